/**
 * The one step loop every projection runs in (the project worker's `project` and `tsneOnData` jobs): init, then
 * batches of steps until the stepper says it is finished, with
 * - progress per stage (count, rate and ETA from src/lib/progress.ts), at most every `reportEveryMs` and at the end
 *   of each stage, carrying the current coordinates while optimising so the page draws the map as it moves;
 * - a turn for the event loop at least every `yieldEveryMs` (src/lib/eventTurns.ts): Stop arrives as a message,
 *   and is heard between batches through the AbortSignal;
 * - batches sized by time (a t-SNE iteration on 14 points takes a microsecond, a UMAP epoch on 30,000 a second), so
 *   the loop's own cost stays small. The map never depends on batching: a unit is a unit however it is grouped.
 */
import { eventTurns } from '../lib/eventTurns';
import { ProgressTracker, type Progress } from '../lib/progress';
import { throwIfCancelled } from '../lib/rpc';
import type { Projection, ProjectionData, ProjectionFacts, StepPosition } from './projections';

export type ProjectionProgress =
  | { stage: 'neighbours'; done: number; total: number; progress: Progress }
  | { stage: 'optimising'; done: number; total: number; progress: Progress; cost: number; positions: Float32Array };

export interface RunContext {
  signal: AbortSignal;
  progress(update: ProjectionProgress): void;
  /** milliseconds; tests give a fake clock */
  now?: () => number;
  reportEveryMs?: number;
  yieldEveryMs?: number;
}

export interface ProjectionRun {
  coordinates: Float32Array;
  /** the cost on the last step (t-SNE's KL); NaN when the projection has none */
  cost: number;
  facts: ProjectionFacts;
  seconds: number;
}

const REPORT_EVERY_MS = 120;
const YIELD_EVERY_MS = 100;
/** a batch is grown while it takes less than this, and shrunk when it takes more than 8 times this */
const BATCH_MS = 4;
const MAX_BATCH = 1 << 16;

export async function runProjection<O extends object, S>(projection: Projection<O, S>, input: ProjectionData, options: Partial<O>, ctx: RunContext): Promise<ProjectionRun> {
  const now = ctx.now ?? (() => performance.now());
  const reportEveryMs = ctx.reportEveryMs ?? REPORT_EVERY_MS;
  const started = now();
  const turn = eventTurns(ctx.yieldEveryMs ?? YIELD_EVERY_MS, now);
  throwIfCancelled(ctx.signal);
  const state = await projection.init(input, { ...projection.defaults, ...options });
  try {
    const steps = projection.progressUnit ?? { name: 'Step', unit: 'steps' };
    let tracker: { key: string; tracker: ProgressTracker } | undefined;
    const report = (at: StepPosition) => {
      const key = `${at.stage}|${at.total}`;
      if (tracker?.key !== key) {
        const [name, unit] = at.stage === 'neighbours' ? ['Nearest neighbours', 'points'] : [steps.name, steps.unit];
        tracker = { key, tracker: new ProgressTracker(name, at.total, unit, 5000, now) };
      }
      const progress = tracker.tracker.update(at.done);
      if (at.stage === 'neighbours') ctx.progress({ stage: at.stage, done: at.done, total: at.total, progress });
      else ctx.progress({ stage: at.stage, done: at.done, total: at.total, progress, cost: projection.cost?.(state) ?? NaN, positions: projection.coordinates(state) });
      lastReport = now();
    };
    let at = projection.position(state);
    let lastReport = now();
    if (!at.finished && at.stage === 'neighbours') report(at);
    let batch = 1;
    while (!at.finished) {
      const stage = at.stage;
      // Optimising, a batch ends the stage when it covers the steps left; it then measures the cost and reports.
      const endsStage = stage === 'optimising' && batch >= at.total - at.done;
      // The first optimising step is shown at once: the map starts moving.
      const firstStep = stage === 'optimising' && at.done === 0;
      const reporting = endsStage || firstStep || now() - lastReport >= reportEveryMs;
      const batchStarted = now();
      at = await projection.step(state, batch, reporting && stage === 'optimising');
      const took = now() - batchStarted;
      if (at.stage !== stage) batch = 1; // a new stage's unit may cost far more (a neighbour query vs an iteration)
      else if (took < BATCH_MS) batch = Math.min(batch * 2, MAX_BATCH);
      else if (took > 8 * BATCH_MS) batch = Math.max(1, batch >> 1);
      // A new stage is reported from its first batch on, not at its start (no map of the starting noise).
      if (at.finished || (reporting && at.stage === stage)) report(at);
      await turn();
      throwIfCancelled(ctx.signal);
    }
    return { coordinates: projection.coordinates(state), cost: projection.cost?.(state) ?? NaN, facts: projection.facts(state), seconds: (now() - started) / 1000 };
  } finally {
    projection.dispose?.(state);
  }
}
