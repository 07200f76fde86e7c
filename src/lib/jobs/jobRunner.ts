/**
 * One runner for every long job a section starts (training, a forest, a sweep, a probe): the skeleton each store
 * used to repeat. It owns
 * - start: a new job replaces the one before (which is cancelled); the job first gets its input (`prepare`, which
 *   may wait, e.g. for CLIP to finish loading, and says so), then runs;
 * - progress: `job.guard(fn)` wraps a progress callback so an update that arrives after the job settled, or after
 *   a newer job started, is dropped: a late message never overwrites the outcome; `job.tracker()` gives a
 *   ProgressTracker (rate, ETA) on the runner's clock;
 * - pause/resume per job (the worker keeps the pause state under the job's id), cancel;
 * - the outcome: done (the spec's message), cancelled (the spec's message), or an error with "Try again", which
 *   runs the same spec again (a crashed worker is replaced on the next call). Input problems that a retry cannot
 *   fix (a bad grid entry) are errors without a retry.
 * The runner knows nothing of zustand or workers: it reports `{ status, paused }` patches to a sink.
 */
import type { SectionStatus } from '../sectionStatus';
import { isCancelled } from '../rpc';
import { ProgressTracker } from '../progress';

export type Prepared<I> = { ok: true; value: I } | { ok: false; message: string; retry?: boolean };

type WorkingExtra = { percent?: number; progress?: ReturnType<ProgressTracker['update']> };

export interface RunningJob {
  readonly id: string;
  readonly signal: AbortSignal;
  /** wraps a progress callback: it runs only while this job is the current one and has not settled */
  guard<P>(onProgress: (update: P) => void): (update: P) => void;
  /** a working status (a stage, or what the job waits for), unless the job settled */
  working(message: string, extra?: WorkingExtra): void;
  tracker(stage: string, total: number, unit: string): ProgressTracker;
  readonly paused: boolean;
}

export interface JobSpec<I, R> {
  /** the job's input, or why there is none; `wait(message)` says what it waits for */
  prepare?: (wait: (message: string) => void) => Promise<Prepared<I>>;
  /** the first working message */
  starting?: string;
  run(input: I, job: RunningJob): Promise<R>;
  /** after success: store the result, return the status message */
  done(result: R, job: RunningJob): string;
  /** after a cancel: the status message (an empty status) */
  cancelled(job: RunningJob): string;
}

export type JobOutcome = 'done' | 'cancelled' | 'error' | 'superseded';

export interface JobPatch {
  status?: SectionStatus;
  paused?: boolean;
}

export interface JobRunnerOptions {
  /** tells the worker to pause or resume a job */
  pause?: (jobId: string, paused: boolean) => Promise<void>;
  now?: () => number;
  newId?: () => string;
  retryLabel?: string;
}

let counter = 0;
const defaultId = () => `job-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export class JobRunner {
  private job?: { id: string; controller: AbortController; settled: boolean; paused: boolean; last?: { message: string; extra?: WorkingExtra } };
  private lastSpec?: JobSpec<unknown, unknown>;

  constructor(
    private readonly sink: (patch: JobPatch) => void,
    private readonly options: JobRunnerOptions = {},
  ) {}

  /** The job in flight, if any. */
  get currentId(): string | undefined {
    return this.job && !this.job.settled ? this.job.id : undefined;
  }

  get canPause(): boolean {
    return Boolean(this.options.pause);
  }

  async start<I, R>(spec: JobSpec<I, R>): Promise<JobOutcome> {
    this.lastSpec = spec as JobSpec<unknown, unknown>;
    this.job?.controller.abort();
    const state: NonNullable<JobRunner['job']> = { id: (this.options.newId ?? defaultId)(), controller: new AbortController(), settled: false, paused: false };
    this.job = state;
    const current = () => this.job === state && !state.settled;
    const job: RunningJob = {
      id: state.id,
      signal: state.controller.signal,
      guard: (onProgress) => (update) => {
        if (current()) onProgress(update);
      },
      working: (message, extra) => {
        state.last = { message, extra };
        if (current()) this.sink({ status: this.workingStatus(state) });
      },
      tracker: (stage, total, unit) => new ProgressTracker(stage, total, unit, 5000, this.options.now),
      get paused() {
        return state.paused;
      },
    };
    state.last = { message: spec.starting ?? 'Starting…' };
    this.sink({ paused: false, status: this.workingStatus(state) });
    const settle = (status: SectionStatus, outcome: JobOutcome): JobOutcome => {
      if (!current()) return 'superseded';
      state.settled = true;
      this.sink({ status, paused: false });
      return outcome;
    };
    try {
      let input: I;
      if (spec.prepare) {
        const prepared = await spec.prepare((message) => job.working(message));
        if (!current()) return 'superseded';
        if (state.controller.signal.aborted) return settle({ kind: 'empty', message: spec.cancelled(job) }, 'cancelled');
        if (!prepared.ok) return settle(this.error(prepared.message, prepared.retry !== false), 'error');
        input = prepared.value;
      } else input = undefined as I;
      const result = await spec.run(input, job);
      if (!current()) return 'superseded';
      // Settled before `done` runs: whatever `done` sets is final, no late progress can follow it.
      state.settled = true;
      const message = spec.done(result, job);
      this.sink({ status: { kind: 'done', message }, paused: false });
      return 'done';
    } catch (error) {
      if (isCancelled(error)) return settle({ kind: 'empty', message: spec.cancelled(job) }, 'cancelled');
      return settle(this.error((error as Error).message, true), 'error');
    }
  }

  private workingStatus(state: NonNullable<JobRunner['job']>): SectionStatus {
    const { message, extra } = state.last ?? { message: 'Starting…' };
    return { kind: 'working', message: `${message}${state.paused ? ' · paused' : ''}`, ...extra };
  }

  private error(message: string, retry: boolean): SectionStatus {
    return retry ? { kind: 'error', message, retry: { label: this.options.retryLabel ?? 'Try again', action: () => void this.retry() } } : { kind: 'error', message };
  }

  /** Runs the last job's spec again (after an error). */
  retry(): Promise<JobOutcome> | undefined {
    return this.lastSpec && this.start(this.lastSpec);
  }

  cancel(): void {
    if (this.job && !this.job.settled) this.job.controller.abort();
  }

  /** Pauses or resumes the job in flight; returns the new pause state. */
  async setPaused(paused: boolean): Promise<boolean> {
    const state = this.job;
    if (!state || state.settled || !this.options.pause) return false;
    state.paused = paused;
    // The status line says so at once, not only at the job's next update.
    this.sink({ paused, status: this.workingStatus(state) });
    await this.options.pause(state.id, paused);
    return paused;
  }

  togglePause(): Promise<boolean> {
    return this.setPaused(!this.job?.paused);
  }
}
