/**
 * One random-forest run on a stored dataset (worker-side): the same features as the MLP (loadFeatures: cached CLIP
 * embeddings or raw pixels 0-1), trained on the training split, scored with the same metrics (scoreTestSplit) on
 * the test split, its PublicTest and PrivateTest halves and the test images not also in train.
 */
import { SPLITS } from '../dataset/faceSet';
import { argmaxRows } from '../embed/zeroShot';
import { EMOTION_COUNT } from '../lib/emotions';
import { evaluate, scoreTestSplit, type Evaluation, type SubsetScore } from './metrics';
import { accuracyBySize, predictForest, sizeCheckpoints, trainForest, treeDepths, type Forest, type ForestSettings } from './forest';
import { loadFeatures, type Features } from './trainRun';

export interface ForestResult {
  classifier: 'forest';
  features: string;
  settings: ForestSettings;
  trainAccuracy: number;
  /** out-of-bag accuracy on the training split (NaN without bootstrap) */
  oobAccuracy: number;
  test: Evaluation;
  publicTest: SubsetScore;
  privateTest: SubsetScore;
  clean: SubsetScore;
  trainCount: number;
  /** whole run: loading, binning, growing, scoring */
  seconds: number;
  binningSeconds: number;
  msPerTree: number[];
  nodeCount: number;
  meanDepth: number;
  /** bytes of the stored forest (its typed arrays) */
  storedBytes: number;
  /** test accuracy of the first k trees: what a smaller forest reaches */
  testAccuracyBySize: { trees: number; accuracy: number }[];
  testPredictions: { indices: Uint32Array; truth: Uint8Array; predicted: Uint8Array; probability: Float32Array };
}

export type ForestProgress = { type: 'stage'; message: string } | { type: 'tree'; done: number; total: number; ms: number };

export const describeFeatures = (features: Features) =>
  features.kind === 'clip' ? `CLIP ${features.rep.model} ${features.rep.precision}` : 'raw pixels (2,304 values, 0-1)';

export async function runForest(
  datasetId: string,
  features: Features,
  settings: ForestSettings,
  control: { signal: AbortSignal; progress: (p: ForestProgress) => void },
): Promise<{ result: ForestResult; forest: Forest }> {
  const started = performance.now();
  control.progress({ type: 'stage', message: features.kind === 'clip' ? 'Loading the CLIP embeddings…' : 'Loading the raw pixels…' });
  const { x, dim, rows, columns } = await loadFeatures(datasetId, features);
  // x holds only the rows that have features: position k in x is dataset image rows[k].
  const labels = Uint8Array.from(rows, (r) => columns.labels[r]);
  const train = rows.flatMap((r, k) => (columns.splits[r] === SPLITS.indexOf('train') ? [k] : []));
  const test = rows.flatMap((r, k) => (columns.splits[r] === SPLITS.indexOf('test') ? [k] : []));
  if (train.length === 0 || test.length === 0) throw new Error('Training needs images of both the train and the test split');

  let lastReport = -Infinity;
  const trained = await trainForest(x, dim, labels, train, EMOTION_COUNT, settings, {
    signal: control.signal,
    onStage: (message) => control.progress({ type: 'stage', message }),
    onTree: (done, ms) => {
      // Small trees grow hundreds a second: a message each would keep the page busy re-rendering.
      const now = performance.now();
      if (done < settings.trees && now - lastReport < 150) return;
      lastReport = now;
      control.progress({ type: 'tree', done, total: settings.trees, ms });
    },
  });
  control.progress({ type: 'stage', message: 'Evaluating…' });
  const trainPredicted = argmaxRows(predictForest(trained.forest, x, dim, train), EMOTION_COUNT);
  const testProbabilities = predictForest(trained.forest, x, dim, test);
  const testPredicted = argmaxRows(testProbabilities, EMOTION_COUNT);
  const testTruth = test.map((k) => labels[k]);
  const scores = scoreTestSplit(testTruth, testPredicted, test.map((k) => rows[k]), columns, EMOTION_COUNT);
  const depths = treeDepths(trained.forest);
  const result: ForestResult = {
    classifier: 'forest',
    features: describeFeatures(features),
    settings,
    trainAccuracy: evaluate(train.map((k) => labels[k]), trainPredicted, EMOTION_COUNT).accuracy,
    oobAccuracy: trained.oobAccuracy,
    test: scores.evaluation,
    publicTest: scores.publicTest,
    privateTest: scores.privateTest,
    clean: scores.clean,
    trainCount: train.length,
    seconds: (performance.now() - started) / 1000,
    binningSeconds: trained.binningMs / 1000,
    msPerTree: trained.msPerTree,
    nodeCount: trained.forest.feature.length,
    meanDepth: depths.reduce((a, b) => a + b, 0) / depths.length,
    storedBytes: [trained.forest.roots, trained.forest.feature, trained.forest.threshold, trained.forest.child, trained.forest.leafValues].reduce((sum, a) => sum + a.byteLength, 0),
    testAccuracyBySize: accuracyBySize(trained.forest, x, dim, test, testTruth, sizeCheckpoints(settings.trees)),
    testPredictions: {
      indices: Uint32Array.from(test, (k) => rows[k]),
      truth: Uint8Array.from(testTruth),
      predicted: testPredicted,
      probability: Float32Array.from(testPredicted, (p, j) => testProbabilities[j * EMOTION_COUNT + p]),
    },
  };
  return { result, forest: trained.forest };
}
