/**
 * One classifier run (worker-side), the same for every registry entry: load the features, fit on the training
 * split, score with the shared metrics (scoreClassifier), and save the result and the model's stored form.
 */
import type { UseStore } from 'idb-keyval';
import { isCancelled } from '../lib/rpc';
import { checkpointSlot } from './checkpoints';
import type { AnyClassifier, ClassifierContext, ClassifierKind } from './classifiers/types';
import type { MlpSettings } from './mlpSettings';
import { deleteCheckpoints, newRunIdentity, saveClassifierRun } from './runs';
import { describeFeatures, loadTrainingData, scoreClassifier, type TrainingData } from './trainingData';
import type { ClassifierRun, Features, ScoredResult } from './types';

/**
 * Fits `entry` on loaded data and scores it; the model is serialized (unless `keep` is false: a sweep keeps only
 * the figures) and disposed.
 */
export async function fitAndScore<R extends ScoredResult, P = unknown>(
  entry: AnyClassifier,
  data: TrainingData,
  features: Features,
  settings: unknown,
  ctx: ClassifierContext<P>,
  { started = performance.now(), keep = true } = {},
): Promise<{ result: R; stored: unknown }> {
  const { model, details } = await entry.train(data, settings, ctx);
  try {
    ctx.progress({ type: 'stage', message: 'Evaluating…' });
    const scores = scoreClassifier(data, (positions) => entry.predict(model, data.x, data.dim, positions));
    const stored = keep ? await entry.serialize(model) : undefined;
    const result = { classifier: entry.kind, features: describeFeatures(features), settings, ...scores, ...details, seconds: (performance.now() - started) / 1000 } as R;
    return { result, stored };
  } finally {
    entry.dispose?.(model);
  }
}

export interface SavedRunJob {
  classifier: ClassifierKind;
  datasetId: string;
  datasetName: string;
  features: Features;
  settings: unknown;
  /** false: score only, store nothing (the benchmark) */
  save?: boolean;
  /** the key of the job's epoch checkpoints: stored after every epoch, and gone on from when one is stored */
  checkpoint?: string;
}

/**
 * The train worker's job: fits, scores and saves a run. The run is saved in the transaction that drops its
 * checkpoint; a cancel keeps nothing (its checkpoint included); after a failure the checkpoint stays, so Try again
 * goes on from it. `load` and `db` are the stored dataset and the runs' store unless a test gives its own.
 */
export async function trainAndSave<P>(
  entry: AnyClassifier,
  job: SavedRunJob,
  ctx: Omit<ClassifierContext<P>, 'checkpoints'>,
  { load = loadTrainingData, db }: { load?: typeof loadTrainingData; db?: UseStore } = {},
): Promise<ClassifierRun> {
  const started = performance.now();
  const checkpoints = job.checkpoint
    ? checkpointSlot({ key: job.checkpoint, classifier: job.classifier, datasetId: job.datasetId, datasetName: job.datasetName, features: job.features, settings: job.settings as MlpSettings }, db)
    : undefined;
  try {
    const data = await load(job.datasetId, job.features, (message) => ctx.progress({ type: 'stage', message }));
    const { result, stored } = await fitAndScore<ScoredResult, P>(entry, data, job.features, job.settings, { ...ctx, checkpoints }, { started });
    const record: ClassifierRun = { ...newRunIdentity(job), result };
    if (job.save !== false) await saveClassifierRun(entry.storage, record, stored, db, { dropCheckpoint: job.checkpoint });
    return record;
  } catch (error) {
    if (job.checkpoint && isCancelled(error)) await deleteCheckpoints([job.checkpoint], db);
    throw error;
  }
}
