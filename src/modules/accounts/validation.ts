import { z } from 'zod';
import { withConfirmation } from '../../platform/http/confirm-field.js';

// Letters of any language, spaces, hyphens, apostrophes and periods: never markup.
const NAME = /^[\p{L}\p{M}][\p{L}\p{M} .'’-]*$/u;

const name = (requiredKey: string) =>
  z.string().trim().min(1, requiredKey).max(50, 'accounts.errors.nameTooLong').regex(NAME, 'accounts.errors.nameCharacters');

export const emailField = z
  .string()
  .trim()
  .min(1, 'accounts.errors.emailRequired')
  .max(254, 'accounts.errors.emailTooLong')
  .email('accounts.errors.emailFormat')
  .transform((s) => s.toLowerCase());

export const RegisterSchema = withConfirmation(
  z.object({
    first_name: name('accounts.errors.firstNameRequired'),
    middle_name: z.union([z.literal(''), name('accounts.errors.nameCharacters')]).default(''),
    last_name: name('accounts.errors.lastNameRequired'),
    email: emailField,
    email_confirm: z.string().trim().transform((s) => s.toLowerCase()),
    answer: z.string().max(40).default(''),
    pow: z.string().max(20).default(''),
    website: z.string().max(200).default(''),
  }),
  'email',
  'email_confirm',
  { required: 'accounts.errors.emailConfirmRequired', mismatch: 'accounts.errors.emailMismatch' },
);

export const NewPasswordSchema = z.object({
  password: z.string().min(1, 'accounts.errors.passwordRequired').max(200, 'accounts.passwordRules.length'),
  password_confirm: z.string().min(1, 'accounts.errors.passwordConfirmRequired').max(200, 'accounts.errors.passwordMismatch'),
});

export const SignInSchema = z.object({
  email: emailField,
  password: z.string().min(1, 'accounts.errors.passwordRequired').max(200, 'accounts.errors.signInFailed'),
});

export const EmailOnlySchema = z.object({ email: emailField });

export const ChangePasswordSchema = NewPasswordSchema.extend({
  current_password: z.string().min(1, 'accounts.errors.currentPasswordRequired').max(200, 'accounts.errors.currentPasswordWrong'),
});

/** LNG-1: which catalog languages exist is the service's to check. */
export const LanguageSchema = z.object({
  language: z.string().trim().min(1, 'accounts.errors.languageRequired').max(20, 'accounts.errors.languageRequired'),
});
