import path from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import { ROOT } from './support.js';
import type { ChildJob } from './families.js';

/** bench/families.ts in a child process: its SMTP sink's port, and each job's answer. */
export class FamiliesChild {
  private child: ChildProcess;
  private next = 0;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  port = 0;

  constructor() {
    this.child = fork(path.join(ROOT, 'bench/families.ts'), [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', cwd: ROOT });
    this.child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error));
      else p?.resolve(m.result);
    });
    this.child.once('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`the families' process exited with ${code}`));
    });
  }

  run<T>(job: ChildJob): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, job });
    });
  }

  /** Starts the sink; its SMTP address. */
  async sink(): Promise<string> {
    this.port = (await this.run<{ port: number }>({ kind: 'sink' })).port;
    return `smtp://127.0.0.1:${this.port}`;
  }

  close(): void {
    this.child.kill();
  }
}
