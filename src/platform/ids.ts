import { randomBytes, createHash } from 'node:crypto';

/** Opaque random identifiers for rows and tokens (URL-safe). */
export const newId = (): string => randomBytes(12).toString('base64url');
export const newToken = (): string => randomBytes(32).toString('base64url');
export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
