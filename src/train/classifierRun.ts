/**
 * One classifier run (worker-side), the same for every registry entry: load the features, fit on the training
 * split, score with the shared metrics (scoreClassifier), and hand back the result and the model's stored form.
 */
import type { AnyClassifier, ClassifierContext } from './classifiers/types';
import { describeFeatures, loadTrainingData, scoreClassifier, type TrainingData } from './trainingData';
import type { Features, ScoredResult } from './types';

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

export async function runClassifier<R extends ScoredResult, P = unknown>(
  entry: AnyClassifier,
  datasetId: string,
  features: Features,
  settings: unknown,
  ctx: ClassifierContext<P>,
): Promise<{ result: R; stored: unknown }> {
  const started = performance.now();
  const data = await loadTrainingData(datasetId, features, (message) => ctx.progress({ type: 'stage', message }));
  return fitAndScore<R, P>(entry, data, features, settings, ctx, { started });
}
