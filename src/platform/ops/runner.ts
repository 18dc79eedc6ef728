import type { Clock } from '../clock.js';

/** What one run of a step did, counted by kind ('deemedDenied': 2); a run sums its steps' counts. */
export type StepReport = Record<string, number>;

/**
 * A background step a module registers (deadlines, reminders, clean-up). Idempotent and safe
 * when several instances run it at once: each change is a guarded UPDATE or looks again under a
 * lock, so running it twice, or from two processes, changes nothing more.
 */
export interface BackgroundStep {
  /** Names the step in logs. */
  name: string;
  /**
   * The run the step belongs to: 'deadlines' (every SWEEP_INTERVAL, `cli sweep`) or 'files'
   * (every FILE_CLEANUP_INTERVAL, `cli clean-files`).
   */
  run: 'deadlines' | 'files';
  /** One pass as of `now`. */
  step(now: Date): Promise<StepReport>;
}

/**
 * Runs the registered steps of one run, one after the other in the order they were registered,
 * and sums what they report. `start` repeats it on an interval; a run still going is not
 * started again, and `stop` waits for it.
 */
export class BackgroundRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | null = null;

  constructor(
    private steps: readonly BackgroundStep[],
    private clock: Clock,
  ) {}

  async runOnce(): Promise<StepReport> {
    const report: StepReport = {};
    for (const s of this.steps) {
      const r = await s.step(this.clock.now());
      for (const [k, n] of Object.entries(r)) report[k] = (report[k] ?? 0) + n;
    }
    return report;
  }

  /** Every `intervalMs` (none when 0): each report, or the failure, goes to the callbacks. */
  start(intervalMs: number, done: (report: StepReport) => void, failed: (e: unknown) => void): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.runOnce().then(done, failed).finally(() => { this.running = null; });
    }, intervalMs);
    this.timer.unref();
  }

  /** No new run; waits for the one going, if any. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
