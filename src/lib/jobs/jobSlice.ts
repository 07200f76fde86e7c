/**
 * The job part of a section's zustand store, made once: status, paused, stop, togglePause and retry, backed by a
 * JobRunner whose updates land in the store. A store spreads `slice` into its state and starts jobs with `runner`.
 */
import { empty, type SectionStatus } from '../sectionStatus';
import { JobRunner, type JobPatch, type JobRunnerOptions } from './jobRunner';

export interface JobSlice {
  status: SectionStatus;
  paused: boolean;
  stop(): void;
  togglePause(): Promise<void>;
}

export function createJobSlice(set: (patch: JobPatch) => void, options: JobRunnerOptions & { idle: string }): { runner: JobRunner; slice: JobSlice } {
  const runner = new JobRunner(set, options);
  return {
    runner,
    slice: {
      status: empty(options.idle),
      paused: false,
      stop: () => runner.cancel(),
      togglePause: async () => void (await runner.togglePause()),
    },
  };
}
