/**
 * Class probabilities from a saved run (MLP weights or forest), inside a worker that has TensorFlow.js ready: the
 * occlusion maps of the Train section score their occluded faces with the very classifier the run saved.
 */
import * as tf from '@tensorflow/tfjs';
import { predictForest, type Forest } from './forest';
import { getRunModel, loadForest } from './runs';

export interface SavedRunInput {
  runId: string;
  classifier: 'mlp' | 'forest';
  /** rows × dim feature values */
  features: Float32Array;
  dim: number;
}

const models = new Map<string, Promise<tf.LayersModel>>();
const forests = new Map<string, Promise<Forest>>();

function cached<T>(cache: Map<string, Promise<T>>, id: string, load: () => Promise<T>): Promise<T> {
  if (!cache.has(id)) {
    const loading = load();
    cache.set(id, loading);
    // A failed load is tried again next time (the run may have been stored meanwhile by another tab).
    loading.catch(() => cache.delete(id));
  }
  return cache.get(id)!;
}

export async function predictWithSavedRun(input: SavedRunInput): Promise<Float32Array> {
  const rows = input.features.length / input.dim;
  if (!Number.isInteger(rows)) throw new Error(`${input.features.length} values are not rows of ${input.dim}`);
  if (input.classifier === 'forest') {
    const forest = await cached(forests, input.runId, async () => {
      const found = await loadForest(input.runId);
      if (!found) throw new Error('This forest is no longer stored: grow it again');
      return found;
    });
    return predictForest(forest, input.features, input.dim, Array.from({ length: rows }, (_, i) => i));
  }
  const model = await cached(models, input.runId, async () => {
    const files = await getRunModel(input.runId);
    if (!files) throw new Error('The weights of this run are no longer stored: train again');
    return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: files.modelTopology, weightSpecs: files.weightSpecs as tf.io.WeightsManifestEntry[], weightData: files.weightData }));
  });
  const expected = model.inputs[0].shape[1];
  if (expected !== input.dim) throw new Error(`This run's model takes ${expected} values per face, not ${input.dim}`);
  return tf.tidy(() => (model.predict(tf.tensor2d(input.features, [rows, input.dim])) as tf.Tensor).dataSync() as Float32Array);
}
