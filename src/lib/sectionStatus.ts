import type { Progress } from './progress';

/** What every section shows about itself: nothing yet, working (with progress), done, or failed. */
export type SectionStatus =
  | { kind: 'empty'; message: string }
  | { kind: 'working'; message: string; progress?: Progress; percent?: number }
  | { kind: 'done'; message: string }
  | { kind: 'error'; message: string; retry?: { label: string; action: () => void } };

export const empty = (message: string): SectionStatus => ({ kind: 'empty', message });
