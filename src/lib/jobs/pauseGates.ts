/**
 * Pause state per job id, for a worker that runs several jobs at once: each job awaits its own gate between steps,
 * and pausing one job leaves the others running. A pause that arrives before its job starts is kept for it.
 */
export class PauseGates {
  private readonly jobs = new Map<string, { paused: boolean; waiting: (() => void)[] }>();

  private entry(jobId: string) {
    let entry = this.jobs.get(jobId);
    if (!entry) this.jobs.set(jobId, (entry = { paused: false, waiting: [] }));
    return entry;
  }

  setPaused(jobId: string, paused: boolean): void {
    const entry = this.entry(jobId);
    entry.paused = paused;
    if (!paused) for (const wake of entry.waiting.splice(0)) wake();
  }

  isPaused(jobId: string): boolean {
    return this.jobs.get(jobId)?.paused ?? false;
  }

  /**
   * The gate a job awaits between steps: resolves at once unless the job is paused. An abort wakes a paused job so
   * it can see the stop.
   */
  gate(jobId: string, signal?: AbortSignal): () => Promise<void> {
    signal?.addEventListener('abort', () => this.setPaused(jobId, false), { once: true });
    return () => {
      const entry = this.entry(jobId);
      return entry.paused && !signal?.aborted ? new Promise<void>((resolve) => entry.waiting.push(resolve)) : Promise.resolve();
    };
  }

  /** Forgets a finished job. */
  release(jobId: string): void {
    const entry = this.jobs.get(jobId);
    if (entry) for (const wake of entry.waiting.splice(0)) wake();
    this.jobs.delete(jobId);
  }

  get size(): number {
    return this.jobs.size;
  }
}
