/** Random-forest state of the Train section: the registry's forest entry in a classifier store, with trees/s and ETA. */
import { FACE_AREA } from '../dataset/faceSet';
import { formatBytes, formatDuration } from '../lib/progress';
import { forestClassifier, type ForestProgress } from './classifiers/forest';
import { classifierSessionPart, createClassifierStore } from './classifierStore';
import { featuresPerSplit, type ForestSettings } from './forest';
import type { ForestResult, ForestRunRecord } from './types';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[sorted.length >> 1] : NaN;
};

export const describeForest = (run: ForestRunRecord): string => `${forestClassifier.describe(run.result.settings)}; ${run.result.features}`;

export const forestSummary = (run: ForestRunRecord) => {
  const r = run.result;
  const oob = Number.isFinite(r.oobAccuracy) ? `, out-of-bag ${(100 * r.oobAccuracy).toFixed(2)}%` : '';
  return (
    `Grew ${r.settings.trees} trees on ${r.trainCount.toLocaleString('en-US')} images (${r.features}) in ${r.seconds.toFixed(1)} s ` +
    `(${(median(r.msPerTree) / 1000).toFixed(2)} s per tree, binning ${r.binningSeconds.toFixed(1)} s, mean depth ${r.meanDepth.toFixed(1)}): ` +
    `test accuracy ${(100 * r.test.accuracy).toFixed(2)}%${oob}. Stored: ${formatBytes(r.storedBytes ?? NaN)}.`
  );
};

export const useForestStore = createClassifierStore<ForestSettings, ForestResult>(forestClassifier, {
  features: 'raw-pixels',
  idle: 'No forest grown yet. The paper’s random forest used 10,000 trees; start with fewer and see what they reach.',
  instead: 'grow the forest on raw pixels',
  summary: forestSummary,
  cancelled: 'The forest was cancelled; nothing of it was saved.',
  onProgress(job, settings, input) {
    const tracker = job.tracker('Tree', settings.trees, 'trees');
    const dim = input.features.kind === 'clip' ? input.features.rep.dim : FACE_AREA;
    return (update) => {
      const p = update as ForestProgress;
      const progress = tracker.update(p.done);
      job.working(
        `Tree ${p.done} of ${p.total} (${featuresPerSplit(settings.maxFeatures, dim)} of ${dim} features per split), last ${(p.ms / 1000).toFixed(2)} s, ETA ${formatDuration(progress.etaSeconds)}`,
        { progress },
      );
    };
  },
});

/** What the session record keeps of the forest: its settings and each saved forest's figures, as for MLP runs. */
export const forestSessionPart = () =>
  classifierSessionPart(useForestStore, (r) => ({ oobAccuracy: r.oobAccuracy, testAccuracyBySize: r.testAccuracyBySize, secondsPerTree: r.msPerTree.map((ms) => ms / 1000) }));
