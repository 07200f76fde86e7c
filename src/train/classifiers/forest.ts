/** The paper's other classifier: a histogram random forest (src/train/forest.ts), stored as its flat typed arrays. */
import { EMOTION_COUNT } from '../../lib/emotions';
import { accuracyBySize, DEFAULT_FOREST, predictForest, sizeCheckpoints, trainForest, treeDepths, type Forest, type ForestSettings } from '../forest';
import type { ForestDetails, ForestResult } from '../types';
import type { Classifier } from './types';

export type ForestProgress = { type: 'tree'; done: number; total: number; ms: number };

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[sorted.length >> 1] : NaN;
};

export const describeForestSettings = (s: ForestSettings) =>
  `random forest, ${s.trees} trees, max depth ${s.maxDepth || 'none'}, min leaf ${s.minLeaf}, ${s.maxFeatures} features per split, ` +
  `${s.bootstrap ? 'bootstrap' : 'no bootstrap'}, ${s.bins} bins, seed ${s.seed}`;

export const forestBytes = (forest: Forest) =>
  [forest.roots, forest.feature, forest.threshold, forest.child, forest.leafValues].reduce((sum, a) => sum + a.byteLength, 0);

export const forestClassifier: Classifier<ForestSettings, Forest, ForestDetails, ForestProgress, ForestResult> = {
  kind: 'forest',
  label: 'random forest',
  blurb: 'The paper’s other classifier: a random forest (the paper grew 10,000 trees); trees grow one after another, scored like the MLP.',
  paperTest: { 'raw-pixels': 0.489, clip: 0.6817 },
  defaults: DEFAULT_FOREST,
  storage: { record: 'forest-run', model: 'forest' },
  describe: describeForestSettings,
  describeResult: (r) => `${describeForestSettings(r.settings)}; ${r.features}; ${(median(r.msPerTree) / 1000).toFixed(2)} s per tree`,

  async train(data, settings, ctx) {
    const { x, dim, labels, train, test } = data;
    let lastReport = -Infinity;
    const trained = await trainForest(x, dim, labels, train, EMOTION_COUNT, settings, {
      signal: ctx.signal,
      gate: ctx.gate,
      onStage: (message) => ctx.progress({ type: 'stage', message }),
      onTree: (done, ms) => {
        // Small trees grow hundreds a second: a message each would keep the page busy re-rendering.
        const now = performance.now();
        if (done < settings.trees && now - lastReport < 150) return;
        lastReport = now;
        ctx.progress({ type: 'tree', done, total: settings.trees, ms });
      },
    });
    const { forest } = trained;
    const depths = treeDepths(forest);
    const truth = test.map((k) => labels[k]);
    return {
      model: forest,
      details: {
        oobAccuracy: trained.oobAccuracy,
        binningSeconds: trained.binningMs / 1000,
        msPerTree: trained.msPerTree,
        nodeCount: forest.feature.length,
        meanDepth: depths.reduce((a, b) => a + b, 0) / depths.length,
        storedBytes: forestBytes(forest),
        testAccuracyBySize: accuracyBySize(forest, x, dim, test, truth, sizeCheckpoints(settings.trees)),
      },
    };
  },

  predict: predictForest,
  serialize: async (forest) => forest,
  deserialize: async (stored) => stored as Forest,
  reportDetails: (r) => ({
    lines: [
      `Out-of-bag accuracy ${Number.isFinite(r.oobAccuracy) ? `${(100 * r.oobAccuracy).toFixed(2)}%` : '— (no bootstrap)'}; ${r.nodeCount.toLocaleString('en-US')} nodes, mean depth ${r.meanDepth.toFixed(1)}; ` +
        `${(median(r.msPerTree) / 1000).toFixed(2)} s per tree (median), binning ${r.binningSeconds.toFixed(1)} s, ${r.seconds.toFixed(1)} s in all.`,
    ],
    tables: [
      {
        caption: 'Test accuracy of the first k trees',
        columns: ['Trees', 'Test accuracy'],
        rows: r.testAccuracyBySize.map((s) => [s.trees.toLocaleString('en-US'), `${(100 * s.accuracy).toFixed(2)}%`]),
      },
    ],
  }),
  storedBytes: (stored) => (stored ? forestBytes(stored as Forest) : 0),
};
