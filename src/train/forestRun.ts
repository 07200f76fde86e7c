/**
 * One random-forest run on a stored dataset (worker-side): the same features as the MLP (loadFeatures: cached CLIP
 * embeddings or raw pixels 0-1), trained on the training split, scored with the same metrics (scoreTestSplit) on
 * the test split, its PublicTest and PrivateTest halves and the test images not also in train.
 */
import { EMOTION_COUNT } from '../lib/emotions';
import type { Evaluation, SubsetScore } from './metrics';
import { accuracyBySize, predictForest, sizeCheckpoints, trainForest, treeDepths, type Forest, type ForestSettings } from './forest';
import { describeFeatures, loadTrainingData, scoreClassifier, type Features } from './trainRun';

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

export async function runForest(
  datasetId: string,
  features: Features,
  settings: ForestSettings,
  control: { signal: AbortSignal; progress: (p: ForestProgress) => void },
): Promise<{ result: ForestResult; forest: Forest }> {
  const started = performance.now();
  const data = await loadTrainingData(datasetId, features, (message) => control.progress({ type: 'stage', message }));
  const { x, dim, labels, train, test } = data;

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
  const scores = scoreClassifier(data, (positions) => predictForest(trained.forest, x, dim, positions));
  const depths = treeDepths(trained.forest);
  const result: ForestResult = {
    classifier: 'forest',
    features: describeFeatures(features),
    settings,
    ...scores,
    oobAccuracy: trained.oobAccuracy,
    seconds: (performance.now() - started) / 1000,
    binningSeconds: trained.binningMs / 1000,
    msPerTree: trained.msPerTree,
    nodeCount: trained.forest.feature.length,
    meanDepth: depths.reduce((a, b) => a + b, 0) / depths.length,
    storedBytes: [trained.forest.roots, trained.forest.feature, trained.forest.threshold, trained.forest.child, trained.forest.leafValues].reduce((sum, a) => sum + a.byteLength, 0),
    testAccuracyBySize: accuracyBySize(trained.forest, x, dim, test, scores.testPredictions.truth, sizeCheckpoints(settings.trees)),
  };
  return { result, forest: trained.forest };
}
