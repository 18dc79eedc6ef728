import argon2 from 'argon2';
import { performance } from 'node:perf_hooks';
import { err, ok, type Err, type Result } from '../result.js';
import type { HashProfile } from './profile.js';

export { DEFAULT_PROFILE, OWASP_FLOOR, type HashProfile } from './profile.js';

/** How many hashes may run at once, and how many may wait for a turn before the next is refused. */
export interface HashingLimits {
  concurrency: number;
  queue: number;
}

/** What computes hashes: argon2 on libuv's thread pool; a test may put a counting one in its place. */
export interface HashEngine {
  hash(password: string, profile: HashProfile): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export const argon2Engine: HashEngine = {
  hash: (password, p) => argon2.hash(password, { type: argon2.argon2id, memoryCost: p.memoryKiB, timeCost: p.passes, parallelism: p.lanes }),
  // A stored value that is not a hash at all (cut short, another scheme) simply does not match.
  verify: (hash, password) => argon2.verify(hash, password).catch(() => false),
};

/** The problem a refused hash returns: the page answers 503 with Retry-After (`seconds`). */
export const HASHING_BUSY = 'hashing-busy';
export type Busy = Err & { problem: { code: typeof HASHING_BUSY; params: { seconds: number } } };
export const isBusy = (r: { ok: boolean; problem?: { code: string } }): r is Busy => !r.ok && r.problem?.code === HASHING_BUSY;

export interface Verified {
  matches: boolean;
  /** The password matched a hash made at other parameters than the configured ones: hash it again. */
  rehash: boolean;
}

/**
 * Password hashing for parents and staff, in one place: argon2id at the configured profile,
 * with at most `concurrency` hashes or verifications in flight (libuv's pool has 4 threads by
 * default, which file-system work — uploads, the store, SQLite's files — needs too) and at most
 * `queue` waiting for a turn. Past that a hash is refused at once with a `hashing-busy` problem,
 * before anything is written, so memory stays at concurrency × m under any rush.
 */
export class PasswordHasher {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private dummy: Promise<string> | undefined;
  /** A moving average of one hash's time, for Retry-After. */
  private averageMs = 100;
  /** Counts for operators (and tests): the most ever in flight at once, and the refused. */
  readonly counts = { peakRunning: 0, peakWaiting: 0, refused: 0, done: 0 };

  constructor(
    readonly profile: HashProfile,
    readonly limits: HashingLimits,
    private readonly engine: HashEngine = argon2Engine,
  ) {
    if (limits.concurrency < 1 || limits.queue < 0) throw new Error('PasswordHasher: concurrency must be at least 1 and queue at least 0');
  }

  /** Hashes and verifications running now, and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** A new password's hash at the configured profile. */
  hash(password: string): Promise<Result<string> | Busy> {
    return this.turn(() => this.engine.hash(password, this.profile));
  }

  /**
   * Checks a password against a stored hash. With no stored hash (no such account, or one not yet
   * activated) it verifies against a dummy hash made at the same profile, so the answer takes as
   * long either way (no account enumeration).
   */
  verify(stored: string | null | undefined, password: string): Promise<Result<Verified> | Busy> {
    return this.turn(async () => {
      const matches = await this.engine.verify(stored ?? (await this.dummyHash()), password);
      return { matches: Boolean(stored) && matches, rehash: Boolean(stored) && matches && this.needsRehash(stored!) };
    });
  }

  /** True when a stored hash was not made with argon2id at exactly the configured profile. */
  needsRehash(stored: string): boolean {
    if (!stored.startsWith('$argon2id$')) return true;
    try {
      return argon2.needsRehash(stored, { memoryCost: this.profile.memoryKiB, timeCost: this.profile.passes, parallelism: this.profile.lanes });
    } catch {
      return true;
    }
  }

  /** Seconds after which a refused attempt has a fair chance: the time to work through the queue. */
  retryAfterSeconds(): number {
    const ahead = this.running + this.waiting.length + 1;
    return Math.max(1, Math.ceil(((ahead / this.limits.concurrency) * this.averageMs) / 1000));
  }

  /** Made once, on first need, inside a turn; a failure is not kept (the next need tries again). */
  private dummyHash(): Promise<string> {
    this.dummy ??= this.engine.hash('not-a-real-password-0', this.profile).catch((e: unknown) => {
      this.dummy = undefined;
      throw e;
    });
    return this.dummy;
  }

  private async turn<T>(work: () => Promise<T>): Promise<Result<T> | Busy> {
    if (this.running >= this.limits.concurrency) {
      if (this.waiting.length >= this.limits.queue) {
        this.counts.refused++;
        return err(HASHING_BUSY, 'common.passwordsBusy.message', { params: { seconds: this.retryAfterSeconds() } }) as Busy;
      }
      // The slot is handed over by the one finishing (below), so `running` never passes the bound.
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        this.counts.peakWaiting = Math.max(this.counts.peakWaiting, this.waiting.length);
      });
    } else {
      this.running++;
    }
    this.counts.peakRunning = Math.max(this.counts.peakRunning, this.running);
    const started = performance.now();
    try {
      return ok(await work());
    } finally {
      this.averageMs = this.averageMs * 0.8 + (performance.now() - started) * 0.2;
      this.counts.done++;
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
