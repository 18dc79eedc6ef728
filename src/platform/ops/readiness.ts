import { sql, type Kysely } from 'kysely';
import type { FileStorage } from '../storage/storage.js';

export type ReadinessReport =
  | { status: 'ready' }
  | { status: 'not ready'; database: 'ok' | 'unreachable'; storage: 'ok' | 'unreachable' }
  | { status: 'shutting down' };

/**
 * Whether this instance should be sent traffic (GET /readyz). /healthz says the process is alive;
 * this says it can serve: the database answers and the file store is reachable, and it is not
 * shutting down. On SIGTERM the server calls `drain()` first, so a load balancer stops sending
 * requests before the server stops accepting them (src/server.ts).
 */
export class Readiness {
  private draining = false;

  constructor(
    private deps: { db: Kysely<any>; storage: FileStorage },
    private timeoutMs = 2000,
  ) {}

  /** From now on, answer "shutting down". There is no way back: the process is about to stop. */
  drain(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * The answer for /readyz, and for the log what went wrong (kept out of the public answer: an
   * error message can name folders and hosts).
   */
  async check(): Promise<{ report: ReadinessReport; problems: string[] }> {
    if (this.draining) return { report: { status: 'shutting down' }, problems: [] };
    const [database, storage] = await Promise.all([
      this.probe(() => sql`select 1`.execute(this.deps.db)),
      // The store's own check (DiskStorage writes and removes a small file; S3 asks the bucket).
      this.probe(() => this.deps.storage.check()),
    ]);
    if (this.draining) return { report: { status: 'shutting down' }, problems: [] };
    if (database.ok && storage.ok) return { report: { status: 'ready' }, problems: [] };
    const problems = [
      ...(database.ok ? [] : [`database: ${database.error}`]),
      ...(storage.ok ? [] : [`storage: ${storage.error}`]),
    ];
    return {
      report: { status: 'not ready', database: database.ok ? 'ok' : 'unreachable', storage: storage.ok ? 'ok' : 'unreachable' },
      problems,
    };
  }

  /** Runs one check with a time limit: a hung database must not hang the probe. */
  private async probe(run: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([run(), timeout]);
      return { ok: true };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    } finally {
      clearTimeout(timer);
    }
  }
}
