/**
 * A data-efficiency curve, worker-side: the probe's C chosen once (unless given), then every planned (k, draw)
 * not already stored, each fitted on its drawn faces through the registry (fitAndScore, as every other train job)
 * and scored on the whole test split. Each finished point is reported at once, so the page stores it before the
 * next one starts: a cancel or a reload loses at most the point in flight.
 */
import { EMOTION_COUNT } from '../lib/emotions';
import { throwIfCancelled } from '../lib/rpc';
import { classifierOf } from './classifiers';
import { fitAndScore } from './classifierRun';
import { drawTrainingFaces, pendingPoints, planPoints, type DataEfficiencyPoint, type DataEfficiencySettings, type PlannedPoint } from './dataEfficiency';
import { DEFAULT_LINEAR_PROBE, fitLinearProbe, type LinearProbeSettings } from './linearProbe';
import { DEFAULT_MLP, type MlpSettings } from './mlpSettings';
import type { TrainingData } from './trainingData';
import type { Features, ScoredResult } from './types';

export type DataEfficiencyProgress =
  | { type: 'stage'; message: string }
  | { type: 'c-search'; done: number; total: number; c?: number }
  /** before the first point: the C every probe point uses, the training split's size */
  | { type: 'ready'; c?: number; trainCount: number }
  | { type: 'point-start'; point: PlannedPoint; index: number; total: number }
  | { type: 'point'; point: DataEfficiencyPoint };

export interface DataEfficiencyJob {
  settings: DataEfficiencySettings;
  /** the MLP's settings when the classifier is the MLP (validation and early stopping are turned off per point) */
  mlp?: MlpSettings;
  /** points already stored: skipped */
  stored: PlannedPoint[];
  /** the C found by an earlier run of the same study (no second search) */
  c?: number;
}

const yieldToEvents = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The probe's settings for one point: the study's one C, no validation split (every drawn face is fitted). */
export const pointProbeSettings = (c: number, seed: number): LinearProbeSettings => ({ ...DEFAULT_LINEAR_PROBE, cGrid: [c], validationShare: 0, seed });

/**
 * The MLP's settings for one point: no validation split and no early stopping (at k = 1 there is nothing to hold
 * out), the form's epochs; its own seed per draw so draws differ in initialization as in faces.
 */
export const pointMlpSettings = (base: MlpSettings, seed: number, draw: number): MlpSettings => ({ ...base, validationShare: 0, patience: 0, seed: seed + draw });

export async function runDataEfficiency(
  data: TrainingData,
  features: Features,
  job: DataEfficiencyJob,
  ctx: { signal: AbortSignal; gate: () => Promise<void>; progress: (p: DataEfficiencyProgress) => void },
): Promise<{ c?: number; points: DataEfficiencyPoint[] }> {
  const { settings } = job;
  const entry = classifierOf(settings.classifier);
  const imageOf = data.rows;
  const todo = pendingPoints(planPoints(settings), job.stored);
  let c = job.c ?? (typeof settings.c === 'number' ? settings.c : undefined);
  if (settings.classifier === 'linear-probe' && c === undefined) {
    ctx.progress({ type: 'stage', message: 'Choosing C on the whole training split (the paper’s search)…' });
    const search = await fitLinearProbe(data.x, data.dim, data.labels, data.train, EMOTION_COUNT, { ...DEFAULT_LINEAR_PROBE, seed: settings.seed }, {
      signal: ctx.signal,
      onProgress: (p) => p.stage === 'sweep' && p.iteration === undefined && ctx.progress({ type: 'c-search', done: p.done, total: p.total, c: p.c }),
    });
    c = search.chosenC;
  }
  ctx.progress({ type: 'ready', c, trainCount: data.train.length });
  const points: DataEfficiencyPoint[] = [];
  for (const [index, planned] of todo.entries()) {
    // A turn for the event loop between points: small fits never yield by themselves, and cancel and pause must get in.
    await yieldToEvents();
    await ctx.gate();
    throwIfCancelled(ctx.signal);
    ctx.progress({ type: 'point-start', point: planned, index, total: todo.length });
    const train = drawTrainingFaces(data.labels, imageOf, data.train, planned.shots, settings.seed, planned.draw);
    const pointSettings = settings.classifier === 'linear-probe' ? pointProbeSettings(c!, settings.seed) : pointMlpSettings(job.mlp ?? DEFAULT_MLP, settings.seed, planned.draw);
    const started = performance.now();
    const { result } = await fitAndScore<ScoredResult>(entry, { ...data, train }, features, pointSettings, { signal: ctx.signal, gate: ctx.gate, progress: () => undefined }, { keep: false });
    // A cancel inside an MLP fit still returns its best epoch: that is not a finished point.
    throwIfCancelled(ctx.signal);
    const point: DataEfficiencyPoint = {
      shots: planned.shots,
      draw: planned.draw,
      trainCount: train.length,
      testAccuracy: result.test.accuracy,
      cleanAccuracy: result.clean.accuracy,
      cleanCount: result.clean.count,
      seconds: (performance.now() - started) / 1000,
    };
    points.push(point);
    ctx.progress({ type: 'point', point });
  }
  return { c, points };
}
