import type { Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { Deps } from '../../deps.js';
import { err, ok, type Result } from '../../platform/result.js';
import { newId, newToken, sha256 } from '../../platform/ids.js';
import { enqueueEmail } from '../../platform/mail/outbox.js';
import { isUniqueViolation } from '../../platform/db/kysely.js';
import { AccountsRepository } from './repository.js';
import { brokenPasswordRules, passwordRuleKey } from './password-rules.js';

const ACTIVATION_TTL_MS = 48 * 3_600_000;
const RESET_TTL_MS = 60 * 60_000;
const ACTIVATION_TEMPLATE = 'accounts.emails.activation';

export interface PasswordProblem {
  field: 'password' | 'password_confirm';
  keys: string[];
}

export class AccountsService {
  readonly repo: AccountsRepository;
  constructor(private deps: Deps) {
    this.repo = new AccountsRepository(deps.db);
  }

  private now() {
    return this.deps.clock.now();
  }

  /** ACC-1, ACC-2. The same outcome whether or not the address has an account. */
  async register(input: { first_name: string; middle_name: string; last_name: string; email: string }, language: string): Promise<void> {
    const nowIso = this.now().toISOString();
    const existing = await this.repo.userByEmail(input.email);
    if (existing) {
      await this.deps.writer.run((trx) =>
        enqueueEmail(trx, this.deps.catalogs, {
          dedupeKey: `already-registered:${existing.id}:${nowIso.slice(0, 13)}`,
          to: existing.email,
          language: existing.language,
          template: 'accounts.emails.alreadyRegistered',
          params: { firstName: existing.first_name, signInLink: `${this.deps.config.publicUrl}/sign-in`, resetLink: `${this.deps.config.publicUrl}/forgot-password` },
          accountId: existing.id,
        }, nowIso),
      );
      return;
    }
    const userId = newId();
    try {
      await this.deps.writer.run(async (trx) => {
        await this.repo.insertUser(
          {
            id: userId,
            email: input.email,
            first_name: input.first_name,
            middle_name: input.middle_name || null,
            last_name: input.last_name,
            password_hash: null,
            activated_at: null,
            language,
            created_at: nowIso,
            updated_at: nowIso,
          },
          trx,
        );
        await this.issueActivation(trx, { id: userId, email: input.email, first_name: input.first_name, language }, nowIso);
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e; // two registrations raced: the first one stands
    }
  }

  /** A new one-use link's token for the account (only its hash is kept), good for `ttlMs`. */
  private async issueToken(trx: Transaction<Database>, userId: string, purpose: 'activate' | 'reset', ttlMs: number, nowIso: string): Promise<string> {
    const token = newToken();
    await this.repo.insertToken(trx, {
      token_hash: sha256(token),
      user_id: userId,
      purpose,
      expires_at: new Date(this.now().getTime() + ttlMs).toISOString(),
      created_at: nowIso,
    });
    return token;
  }

  private async issueActivation(trx: Transaction<Database>, user: { id: string; email: string; first_name: string; language: string }, nowIso: string, dedupeKey?: string) {
    const token = await this.issueToken(trx, user.id, 'activate', ACTIVATION_TTL_MS, nowIso);
    await enqueueEmail(trx, this.deps.catalogs, {
      dedupeKey: dedupeKey ?? `activation:${sha256(token)}`,
      to: user.email,
      language: user.language,
      template: ACTIVATION_TEMPLATE,
      params: { firstName: user.first_name, link: `${this.deps.config.publicUrl}/activate/${token}`, hours: 48 },
      accountId: user.id,
    }, nowIso);
  }

  /**
   * ACC-2: a new activation link for an account not yet activated; silent otherwise (no
   * enumeration). One at a time: while an activation email of the account is still unsent in the
   * outbox (waiting, or being handed over), no other is written — that one is on its way, and
   * pressing again in a rush would only queue more mail behind it. `allowed` (the per-address
   * limit) is asked only when an email would go, so presses while one waits use none of it.
   * Two presses at once read the same activation emails and write the same dedupe key (made of
   * them): the outbox keeps one. Returns whether it wrote one (two at once may both say so).
   */
  async resendActivation(email: string, allowed: () => Promise<boolean> = async () => true): Promise<boolean> {
    const user = await this.repo.userByEmail(email);
    if (!user || user.activated_at) return false;
    const earlier = await this.deps.db
      .selectFrom('outbox')
      .select(['id', 'status'])
      .where('account_id', '=', user.id)
      .where('template', '=', ACTIVATION_TEMPLATE)
      .execute();
    if (earlier.some((m) => m.status === 'pending' || m.status === 'sending' || m.status === 'committing')) return false;
    if (!(await allowed())) return false;
    const nowIso = this.now().toISOString();
    const key = `activation:${user.id}:after:${sha256(earlier.map((m) => m.id).sort().join(','))}`;
    await this.deps.writer.run((trx) => this.issueActivation(trx, user, nowIso, key));
    return true;
  }

  /** A token that is known, unused and not expired, for its purpose. */
  async validToken(token: string, purpose: 'activate' | 'reset') {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
    const row = await this.repo.token(sha256(token), purpose);
    if (!row || row.used_at || row.expires_at <= this.now().toISOString()) return undefined;
    return this.repo.userById(row.user_id);
  }

  checkNewPassword(password: string, confirm: string, email: string): PasswordProblem | null {
    const broken = brokenPasswordRules(password, email);
    if (broken.length) return { field: 'password', keys: broken.map(passwordRuleKey) };
    if (password !== confirm) return { field: 'password_confirm', keys: ['accounts.errors.passwordMismatch'] };
    return null;
  }

  /**
   * ACC-2/ACC-5: sets a password with a single-use link. Returns the user id to sign in. When the
   * hasher is busy (a `hashing-busy` problem) nothing is written: the link stays unused.
   */
  async setPasswordWithToken(token: string, purpose: 'activate' | 'reset', password: string, confirm: string): Promise<Result<string> | { ok: false; password: PasswordProblem }> {
    const user = await this.validToken(token, purpose);
    if (!user) return err('token-invalid', 'accounts.errors.linkInvalid');
    const problem = this.checkNewPassword(password, confirm, user.email);
    if (problem) return { ok: false, password: problem };
    const hashed = await this.deps.passwords.hash(password);
    if (!hashed.ok) return hashed;
    const hash = hashed.value;
    const nowIso = this.now().toISOString();
    const used = await this.deps.writer.run(async (trx) => {
      if (!(await this.repo.useToken(sha256(token), nowIso, trx))) return false;
      await this.repo.setPassword(user.id, hash, nowIso, purpose === 'activate' || !user.activated_at, trx);
      return true;
    });
    if (!used) return err('token-invalid', 'accounts.errors.linkInvalid');
    if (purpose === 'reset') await this.deps.sessions.destroyAllForUser(user.id);
    return ok(user.id);
  }

  /**
   * An unknown address is checked against a dummy hash at the same cost (no enumeration). A hash
   * made at other parameters than the configured ones is replaced by one at them (ADR 0023).
   */
  async signIn(email: string, password: string): Promise<Result<string>> {
    const user = await this.repo.userByEmail(email);
    const checked = await this.deps.passwords.verify(user?.password_hash, password);
    if (!checked.ok) return checked;
    if (!user || !user.password_hash || !checked.value.matches) return err('sign-in-failed', 'accounts.errors.signInFailed');
    if (!user.activated_at) return err('not-activated', 'accounts.errors.notActivated');
    if (checked.value.rehash) {
      // When the hasher is busy the old hash stays, and the next sign-in tries again.
      const fresh = await this.deps.passwords.hash(password);
      if (fresh.ok) await this.repo.replacePasswordHash(user.id, user.password_hash, fresh.value);
    }
    return ok(user.id);
  }

  /**
   * LNG-1: the language the account's own emails go in (and its pages in a browser that has not
   * chosen one). Only a form with its CSRF token calls this: a link never changes it.
   */
  async setLanguage(userId: string, language: string): Promise<Result<string>> {
    if (!this.deps.catalogs.messages.has(language)) return err('unknown-language', 'accounts.errors.languageRequired', { field: 'language' });
    await this.repo.setLanguage(userId, language, this.now().toISOString());
    return ok(language);
  }

  /** ACC-5: a reset link if the account exists; the caller shows the same page either way. */
  async requestReset(email: string): Promise<void> {
    const user = await this.repo.userByEmail(email);
    if (!user) return;
    const nowIso = this.now().toISOString();
    await this.deps.writer.run(async (trx) => {
      const token = await this.issueToken(trx, user.id, 'reset', RESET_TTL_MS, nowIso);
      await enqueueEmail(trx, this.deps.catalogs, {
        dedupeKey: `reset:${sha256(token)}`,
        to: user.email,
        language: user.language,
        template: 'accounts.emails.reset',
        params: { firstName: user.first_name, link: `${this.deps.config.publicUrl}/reset-password/${token}`, minutes: 60 },
        accountId: user.id,
      }, nowIso);
    });
  }

  async changePassword(userId: string, current: string, password: string, confirm: string, keepSession: string): Promise<Result<true> | { ok: false; password: PasswordProblem }> {
    const user = await this.repo.userById(userId);
    const checked = await this.deps.passwords.verify(user?.password_hash, current);
    if (!checked.ok) return checked;
    if (!user?.password_hash || !checked.value.matches) {
      return err('wrong-password', 'accounts.errors.currentPasswordWrong', { field: 'current_password' });
    }
    const problem = this.checkNewPassword(password, confirm, user.email);
    if (problem) return { ok: false, password: problem };
    const hashed = await this.deps.passwords.hash(password);
    if (!hashed.ok) return hashed;
    const hash = hashed.value;
    await this.deps.writer.run((trx) => this.repo.setPassword(user.id, hash, this.now().toISOString(), false, trx));
    await this.deps.sessions.destroyAllForUser(user.id, keepSession);
    return ok(true);
  }
}
