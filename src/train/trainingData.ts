/**
 * What every classifier trains on (worker-side, no TensorFlow.js): the features of a stored dataset (cached CLIP
 * embeddings, or raw pixels scaled to 0-1 as in the paper's baseline) split into train and test, and how a trained
 * classifier is scored: train and test accuracy, the PublicTest and PrivateTest halves and the test images that do
 * not also occur in train.
 */
import { FACE_AREA, SPLITS } from '../dataset/faceSet';
import { getColumns, getManifest, getPixelChunk } from '../dataset/storage';
import { loadStoredEmbeddings } from '../embed/embeddingCache';
import { argmaxRows } from '../embed/zeroShot';
import { EMOTION_COUNT } from '../lib/emotions';
import { scoreTestSplit } from '../dataset/testScores';
import { evaluate } from '../lib/metrics';
import { embeddingsName } from './featureNames';
import type { ClassifierScores, Features } from './types';

export async function loadFeatures(datasetId: string, features: Features) {
  const [manifest, columns] = await Promise.all([getManifest(datasetId), getColumns(datasetId)]);
  if (!manifest || !columns) throw new Error('The dataset is no longer stored: import it again');
  if (features.kind === 'clip') {
    const { positions, vectors } = await loadStoredEmbeddings(features.rep, columns.imageIds);
    if (positions.length === 0) throw new Error('No image of this dataset is embedded with the chosen model yet: embed it first');
    return { x: vectors, dim: features.rep.dim, rows: positions, columns };
  }
  const x = new Float32Array(manifest.count * FACE_AREA);
  for (let k = 0; k < manifest.chunkCount; k++) {
    const chunk = await getPixelChunk(datasetId, k);
    const offset = k * manifest.chunkSize * FACE_AREA;
    for (let i = 0; i < chunk.length; i++) x[offset + i] = chunk[i] / 255;
  }
  return { x, dim: FACE_AREA, rows: columns.imageIds.map((_, i) => i), columns };
}

export { describeFeatures } from './featureNames';

export type TrainingData = Awaited<ReturnType<typeof loadTrainingData>>;

/** The features and labels of a stored dataset, split into train and test positions of `x`. */
export async function loadTrainingData(datasetId: string, features: Features, onStage: (message: string) => void) {
  onStage(features.kind === 'clip' ? `Loading the ${embeddingsName(features.rep)}…` : 'Loading the raw pixels…');
  const { x, dim, rows, columns } = await loadFeatures(datasetId, features);
  // x holds only the rows that have features: position k in x is dataset image rows[k].
  const labels = Uint8Array.from(rows, (r) => columns.labels[r]);
  const train = rows.flatMap((r, k) => (columns.splits[r] === SPLITS.indexOf('train') ? [k] : []));
  const test = rows.flatMap((r, k) => (columns.splits[r] === SPLITS.indexOf('test') ? [k] : []));
  if (train.length === 0 || test.length === 0) throw new Error('Training needs images of both the train and the test split');
  return { x, dim, rows, columns, labels, train, test };
}

/**
 * How a trained classifier scores, the same for every kind: train accuracy, the test split (whole, PublicTest,
 * PrivateTest, without train duplicates) and each test image's prediction for the error browser.
 * `predict(positions)` gives class probabilities, EMOTION_COUNT per position.
 */
export function scoreClassifier(data: Pick<TrainingData, 'labels' | 'train' | 'test' | 'rows' | 'columns'>, predict: (positions: number[]) => Float32Array): ClassifierScores {
  const { labels, train, test, rows, columns } = data;
  const trainPredicted = argmaxRows(predict(train), EMOTION_COUNT);
  const testProbabilities = predict(test);
  const testPredicted = argmaxRows(testProbabilities, EMOTION_COUNT);
  const testTruth = test.map((k) => labels[k]);
  const scores = scoreTestSplit(testTruth, testPredicted, test.map((k) => rows[k]), columns, EMOTION_COUNT);
  return {
    trainAccuracy: evaluate(train.map((k) => labels[k]), trainPredicted, EMOTION_COUNT).accuracy,
    test: scores.evaluation,
    publicTest: scores.publicTest,
    privateTest: scores.privateTest,
    clean: scores.clean,
    trainCount: train.length,
    testPredictions: {
      indices: Uint32Array.from(test, (k) => rows[k]),
      truth: Uint8Array.from(testTruth),
      predicted: testPredicted,
      probability: Float32Array.from(testPredicted, (p, j) => testProbabilities[j * EMOTION_COUNT + p]),
    },
  };
}
