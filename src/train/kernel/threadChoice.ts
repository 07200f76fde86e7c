/**
 * Whether the kernel's helper threads pay, measured while training. On a quiet machine two threads take a batch
 * in about 0.6 of one thread's time; on a busy one (this project's 2 shared cores, where each session is one
 * scheduling group, so a second thread adds no CPU share) every hand-off waits for a descheduled thread to run
 * again, and one thread alone can be faster. The results are the same bits on any number of threads, so the
 * trainer may switch at any batch: each epoch starts with a window of batches on all threads and one on this
 * thread alone, and the rest of the epoch runs the way whose window was faster.
 */
export const WINDOW_BATCHES = 12;

export class ThreadChoice {
  private phase: 'all' | 'one' | 'settled' = 'settled';
  private count = 0;
  private allMs = 0;
  private oneMs = 0;
  /** the choice of the last epoch that measured both ways */
  chosen: number;

  constructor(
    private readonly threads: number,
    private readonly use: (threads: number) => void,
  ) {
    this.chosen = threads;
  }

  /** At an epoch's start: measure again when the epoch has room for both windows and still the most of it left. */
  startEpoch(batches: number): void {
    this.count = 0;
    this.allMs = 0;
    this.oneMs = 0;
    if (this.threads > 1 && batches >= 4 * WINDOW_BATCHES) {
      this.phase = 'all';
      this.use(this.threads);
    } else {
      this.phase = 'settled';
      this.use(this.chosen);
    }
  }

  /** After each batch: how long its step took (the step alone, not the yields between batches). */
  record(ms: number): void {
    if (this.phase === 'settled') return;
    this.count++;
    if (this.phase === 'all') {
      this.allMs += ms;
      if (this.count === WINDOW_BATCHES) {
        this.phase = 'one';
        this.count = 0;
        this.use(1);
      }
      return;
    }
    this.oneMs += ms;
    if (this.count === WINDOW_BATCHES) {
      this.phase = 'settled';
      this.chosen = this.oneMs < this.allMs ? 1 : this.threads;
      this.use(this.chosen);
    }
  }
}
