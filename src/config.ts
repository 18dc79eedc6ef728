import path from 'node:path';
import { z } from 'zod';
import { parseStorageUrl } from './platform/storage/url.js';
import { parseRateLimits } from './rate-limits.js';
import { parseLocalInstant } from './platform/clock.js';
import type { RateLimitPolicy } from './platform/http/rate-limit.js';
import { DEFAULT_PROFILE, OWASP_FLOOR, type HashProfile } from './platform/passwords/profile.js';

/** Typed, validated environment. Safe defaults for a laptop; production requires real secrets. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  // file:<folder> or s3://<bucket>?endpoint=…&region=…&forcePathStyle=true (credentials from AWS_* variables)
  STORAGE_URL: z
    .string()
    .optional()
    .superRefine((url, ctx) => {
      if (url === undefined) return;
      try {
        parseStorageUrl(url);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Student Permits <no-reply@student-permits.local>'),
  DISTRICTS_DIR: z.string().default('./config/districts'),
  MAX_UPLOAD_MB: z.coerce.number().positive().default(10),
  MAX_FILES_PER_UPLOAD: z.coerce.number().int().positive().default(10),
  // DOC-6, PRV-3: what one account, or one request found through the public look-up, may upload per hour.
  UPLOAD_FILES_PER_HOUR: z.coerce.number().int().positive().default(100),
  UPLOAD_MB_PER_HOUR: z.coerce.number().positive().default(200),
  // How often the storage clean-up runs (unreferenced blobs, stale temporary files); 0 = never in the app.
  FILE_CLEANUP_INTERVAL_MINUTES: z.coerce.number().min(0).default(60),
  SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().positive().default(12),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OUTBOX_INTERVAL_MS: z.coerce.number().int().positive().default(2000),
  // Emails in flight at once, each over its own SMTP connection (docs/adr/0021).
  MAIL_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(5),
  SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
  // HTTP time-outs (seconds; fractions allowed). See docs/operations.md.
  HTTP_HEADERS_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(30),
  HTTP_IDLE_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(60),
  HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(300),
  HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(72),
  /** Which proxies' X-Forwarded-For to believe: `loopback` (a proxy on this machine), a list of addresses or CIDRs, `true` or `false`. */
  TRUST_PROXY: z.string().default('loopback'),
  SHUTDOWN_DELAY_SECONDS: z.coerce.number().min(0).max(300).optional(),
  // Training clock (docs/operations.md): the moment the app believes it is at start; never in production.
  CLOCK_START: z
    .string()
    .optional()
    .refine((v) => v === undefined || parseLocalInstant(v) !== null, { message: 'write a date and time such as 2027-02-01T08:00 (district time) or 2027-02-01T16:00Z' }),
  CLOCK_SPEED: z.coerce.number().positive().max(100_000).default(1),
  // Password hashing (docs/adr/0023-password-hashing.md): argon2id's memory (KiB), passes and lanes,
  // at least OWASP's weakest profile; how many hashes run at once and how many may wait.
  PASSWORD_HASH_MEMORY_KIB: z.coerce.number().int().min(OWASP_FLOOR.memoryKiB, { message: `at least ${OWASP_FLOOR.memoryKiB} (7 MiB, OWASP's smallest argon2id profile)` }).max(1_048_576).default(DEFAULT_PROFILE.memoryKiB),
  PASSWORD_HASH_PASSES: z.coerce.number().int().min(1).max(20).default(DEFAULT_PROFILE.passes),
  PASSWORD_HASH_LANES: z.coerce.number().int().min(1).max(16).default(DEFAULT_PROFILE.lanes),
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(64),
  // Node's own setting, read here only to check PASSWORD_HASH_CONCURRENCY against it.
  UV_THREADPOOL_SIZE: z.coerce.number().int().min(1).max(1024).default(4),
  // name=limit/window, comma-separated, overriding src/rate-limits.ts (docs/operations.md)
  RATE_LIMITS: z
    .string()
    .optional()
    .superRefine((text, ctx) => {
      try {
        parseRateLimits(text);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }),
}).superRefine((e, ctx) => {
  if (e.PASSWORD_HASH_MEMORY_KIB * e.PASSWORD_HASH_PASSES < OWASP_FLOOR.memoryTimesPasses) {
    ctx.addIssue({ code: 'custom', path: ['PASSWORD_HASH_PASSES'], message: `memory × passes is ${e.PASSWORD_HASH_MEMORY_KIB * e.PASSWORD_HASH_PASSES}, below OWASP's profiles (${OWASP_FLOOR.memoryTimesPasses}, e.g. 19456 KiB with 2 passes): raise the passes or the memory` });
  }
  if (e.PASSWORD_HASH_CONCURRENCY >= e.UV_THREADPOOL_SIZE) {
    ctx.addIssue({ code: 'custom', path: ['PASSWORD_HASH_CONCURRENCY'], message: `${e.PASSWORD_HASH_CONCURRENCY} hashes at once would take every thread of libuv's pool (UV_THREADPOOL_SIZE=${e.UV_THREADPOOL_SIZE}) from file work: set it below UV_THREADPOOL_SIZE` });
  }
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
  /** Files one account (or one request, uploading without an account) may send per hour. */
  uploadFilesPerHour: number;
  /** Bytes one account (or one request, uploading without an account) may send per hour. */
  uploadBytesPerHour: number;
  /** How often the app runs the storage clean-up; 0: only `npm run cli -- clean-files`. */
  fileCleanupIntervalMs: number;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  cookieSecure: boolean;
  logLevel: string;
  outboxIntervalMs: number;
  /** Emails in flight at once, and the SMTP pool's connections. */
  mailConcurrency: number;
  /** How often the deadline sweep runs (DEC-15). */
  sweepIntervalMs: number;
  /** Time to receive a request's headers (slow-header clients are cut off with 408). */
  headersTimeoutMs: number;
  /** A connection with no bytes moving either way for this long is closed (a body never sent). */
  idleTimeoutMs: number;
  /** Time to receive a whole request, body included (a body trickled in is cut off with 408). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open; above the load balancer's own idle time-out. */
  keepAliveTimeoutMs: number;
  /** On SIGTERM, how long /readyz answers 503 before the server stops taking connections. */
  shutdownDelayMs: number;
  /** Fastify's trustProxy: whose X-Forwarded-For gives the client's address (rate limits, logs). */
  trustProxy: boolean | string;
  /** Password hashing: argon2id's profile, how many hashes run at once, how many may wait (docs/adr/0023). */
  passwordHashing: { profile: HashProfile; concurrency: number; queue: number };
  /** Every rate limit by name: the defaults of src/rate-limits.ts with RATE_LIMITS applied. */
  rateLimits: Record<string, RateLimitPolicy>;
  /** Training clock: the app, its background steps and the CLI start at this moment (never in production). */
  clockStart: Date | null;
  /** How many times faster than real time the training clock moves. */
  clockSpeed: number;
};

/** Seconds to whole milliseconds, never 0 (to Node and Fastify, 0 means "no time-out"). */
const toMs = (seconds: number): number => Math.max(1, Math.round(seconds * 1000));

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.CLOCK_START !== undefined && e.NODE_ENV === 'production') {
    throw new Error('Invalid environment:\n  CLOCK_START: a training clock is refused in production (NODE_ENV=production); remove CLOCK_START and CLOCK_SPEED');
  }
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
    uploadFilesPerHour: e.UPLOAD_FILES_PER_HOUR,
    uploadBytesPerHour: Math.round(e.UPLOAD_MB_PER_HOUR * 1024 * 1024),
    fileCleanupIntervalMs: Math.round(e.FILE_CLEANUP_INTERVAL_MINUTES * 60_000),
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
    cookieSecure:
      e.COOKIE_SECURE === 'auto' ? (e.PUBLIC_URL ?? '').startsWith('https:') : e.COOKIE_SECURE === 'true',
    logLevel: e.LOG_LEVEL,
    outboxIntervalMs: e.OUTBOX_INTERVAL_MS,
    mailConcurrency: e.MAIL_CONCURRENCY,
    sweepIntervalMs: e.SWEEP_INTERVAL_MS,
    requestTimeoutMs: toMs(e.HTTP_REQUEST_TIMEOUT_SECONDS),
    // Node refuses a headers time-out longer than the request time-out.
    headersTimeoutMs: toMs(Math.min(e.HTTP_HEADERS_TIMEOUT_SECONDS, e.HTTP_REQUEST_TIMEOUT_SECONDS)),
    idleTimeoutMs: toMs(e.HTTP_IDLE_TIMEOUT_SECONDS),
    keepAliveTimeoutMs: toMs(e.HTTP_KEEP_ALIVE_TIMEOUT_SECONDS),
    trustProxy: e.TRUST_PROXY === 'true' ? true : e.TRUST_PROXY === 'false' ? false : e.TRUST_PROXY,
    shutdownDelayMs: Math.round((e.SHUTDOWN_DELAY_SECONDS ?? (e.NODE_ENV === 'production' ? 5 : 0)) * 1000),
    passwordHashing: {
      profile: { memoryKiB: e.PASSWORD_HASH_MEMORY_KIB, passes: e.PASSWORD_HASH_PASSES, lanes: e.PASSWORD_HASH_LANES },
      concurrency: e.PASSWORD_HASH_CONCURRENCY,
      queue: e.PASSWORD_HASH_QUEUE,
    },
    rateLimits: parseRateLimits(e.RATE_LIMITS),
    clockStart: e.CLOCK_START === undefined ? null : parseLocalInstant(e.CLOCK_START),
    clockSpeed: e.CLOCK_SPEED,
  };
}
