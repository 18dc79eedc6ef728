import path from 'node:path';
import { z } from 'zod';

/** Typed, validated environment. Safe defaults for a laptop; production requires real secrets. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  STORAGE_URL: z.string().optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Student Permits <no-reply@student-permits.local>'),
  DISTRICTS_DIR: z.string().default('./config/districts'),
  MAX_UPLOAD_MB: z.coerce.number().positive().default(10),
  MAX_FILES_PER_UPLOAD: z.coerce.number().int().positive().default(10),
  SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().positive().default(12),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OUTBOX_INTERVAL_MS: z.coerce.number().int().positive().default(2000),
  SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
});

export type AppConfig = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string;
  storageUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  mailDir: string;
  districtsDir: string;
  maxUploadBytes: number;
  maxFilesPerUpload: number;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  cookieSecure: boolean;
  logLevel: string;
  outboxIntervalMs: number;
  /** How often the deadline sweep runs (DEC-15). */
  sweepIntervalMs: number;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const port = e.PORT;
  return {
    env: e.NODE_ENV,
    port,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    dataDir,
    databaseUrl: e.DATABASE_URL ?? `sqlite:${path.join(dataDir, 'student-permits.sqlite')}`,
    storageUrl: e.STORAGE_URL ?? `file:${path.join(dataDir, 'files')}`,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    mailDir: path.join(dataDir, 'mail'),
    districtsDir: path.resolve(e.DISTRICTS_DIR),
    maxUploadBytes: Math.round(e.MAX_UPLOAD_MB * 1024 * 1024),
    maxFilesPerUpload: e.MAX_FILES_PER_UPLOAD,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
    cookieSecure:
      e.COOKIE_SECURE === 'auto' ? (e.PUBLIC_URL ?? '').startsWith('https:') : e.COOKIE_SECURE === 'true',
    logLevel: e.LOG_LEVEL,
    outboxIntervalMs: e.OUTBOX_INTERVAL_MS,
    sweepIntervalMs: e.SWEEP_INTERVAL_MS,
  };
}
