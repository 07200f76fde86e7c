/** Random-forest state of the Train section: settings, the forest being grown (trees/s, ETA), saved forest runs. */
import { create } from 'zustand';
import { empty, type SectionStatus } from '../app/sectionStatus';
import { FACE_AREA } from '../dataset/faceSet';
import { isCancelled } from '../lib/rpc';
import { contributeToReport } from '../notebook/reportActions';
import { formatBytes, formatDuration, ProgressTracker } from '../lib/progress';
import { announceChange, onOtherTabChange } from '../lib/tabs';
import { useResultsStore } from '../results/store';
import { DEFAULT_FOREST, featuresPerSplit, type ForestSettings } from './forest';
import { deleteForestRun, listForestRuns, type ForestRunRecord } from './runs';
import { trainingInput, type FeatureKind } from './trainingInput';
import { startTrainWorker, type TrainWorker } from './trainWorker';

interface ForestState {
  features: FeatureKind;
  settings: ForestSettings;
  status: SectionStatus;
  runs: ForestRunRecord[];
  shownRunId?: string;
  init(): Promise<void>;
  setFeatures(features: FeatureKind): void;
  setSettings(settings: Partial<ForestSettings>): void;
  train(): Promise<void>;
  stop(): void;
  showRun(id: string): void;
  removeRun(id: string): Promise<void>;
}

// A worker of its own: a forest can grow while an MLP trains, each on one of the machine's cores.
let worker: TrainWorker | undefined;
let running: AbortController | undefined;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[sorted.length >> 1] : NaN;
};

export function describeForest(run: ForestRunRecord): string {
  const s = run.result.settings;
  return (
    `random forest, ${s.trees} trees, max depth ${s.maxDepth || 'none'}, min leaf ${s.minLeaf}, ${s.maxFeatures} features per split, ` +
    `${s.bootstrap ? 'bootstrap' : 'no bootstrap'}, ${s.bins} bins, seed ${s.seed}; ${run.result.features}`
  );
}

/** Puts a forest's figures into its row of the Results table. */
function reportForest(run: ForestRunRecord) {
  useResultsStore.getState().report({
    id: run.featureKind === 'clip' ? 'clip-forest' : 'raw-forest',
    train: run.result.trainAccuracy,
    test: run.result.test.accuracy,
    settings: `${describeForest(run)}; ${(median(run.result.msPerTree) / 1000).toFixed(2)} s per tree`,
    seconds: run.result.seconds,
  });
}

export const forestSummary = (run: ForestRunRecord) => {
  const r = run.result;
  const oob = Number.isFinite(r.oobAccuracy) ? `, out-of-bag ${(100 * r.oobAccuracy).toFixed(2)}%` : '';
  return (
    `Grew ${r.settings.trees} trees on ${r.trainCount.toLocaleString('en-US')} images (${r.features}) in ${r.seconds.toFixed(1)} s ` +
    `(${(median(r.msPerTree) / 1000).toFixed(2)} s per tree, binning ${r.binningSeconds.toFixed(1)} s, mean depth ${r.meanDepth.toFixed(1)}): ` +
    `test accuracy ${(100 * r.test.accuracy).toFixed(2)}%${oob}. Stored: ${formatBytes(r.storedBytes ?? NaN)}.`
  );
};

export const useForestStore = create<ForestState>((set, get) => ({
  features: 'raw-pixels',
  settings: DEFAULT_FOREST,
  status: empty('No forest grown yet. The paper’s random forest used 10,000 trees; start with fewer and see what they reach.'),
  runs: [],

  async init() {
    onOtherTabChange('runs', () => void listForestRuns().then((runs) => set({ runs })));
    const runs = await listForestRuns();
    for (const kind of ['raw-pixels', 'clip'] as const) {
      const latest = runs.filter((r) => r.featureKind === kind).at(-1);
      if (latest) reportForest(latest);
    }
    const last = runs.at(-1);
    set(last ? { runs, shownRunId: last.id, status: { kind: 'done', message: `Restored: ${forestSummary(last)}` } } : { runs });
  },

  setFeatures(features) {
    set({ features });
  },
  setSettings(settings) {
    set((s) => ({ settings: { ...s.settings, ...settings } }));
  },

  async train() {
    const { features, settings } = get();
    const input = await trainingInput(features, 'grow the forest on raw pixels', (message) => set({ status: { kind: 'working', message } }));
    if (!input.ok) return set({ status: { kind: 'error', message: input.message } });
    running?.abort();
    const controller = new AbortController();
    running = controller;
    if (!worker || worker.crashed) worker = startTrainWorker();
    const tracker = new ProgressTracker('Tree', settings.trees, 'trees');
    const dim = input.features.kind === 'clip' ? input.features.rep.dim : FACE_AREA;
    set({ shownRunId: undefined, status: { kind: 'working', message: 'Starting…' } });
    // Progress travels on its own port: the last update can arrive after the result and must not undo it.
    let settled = false;
    try {
      const run = await worker.trainForest(
        { datasetId: input.datasetId, datasetName: input.datasetName, features: input.features, settings },
        {
          signal: controller.signal,
          onProgress: (p) => {
            if (settled) return;
            if (p.type === 'stage') return set({ status: { kind: 'working', message: p.message } });
            const progress = tracker.update(p.done);
            set({
              status: {
                kind: 'working',
                progress,
                message: `Tree ${p.done} of ${p.total} (${featuresPerSplit(settings.maxFeatures, dim)} of ${dim} features per split), last ${(p.ms / 1000).toFixed(2)} s, ETA ${formatDuration(progress.etaSeconds)}`,
              },
            });
          },
        },
      );
      settled = true;
      set((state) => ({ runs: [...state.runs, run], shownRunId: run.id, status: { kind: 'done', message: forestSummary(run) } }));
      announceChange('runs');
      reportForest(run);
    } catch (error) {
      settled = true;
      set({ status: isCancelled(error) ? { kind: 'empty', message: 'The forest was cancelled; nothing of it was saved.' } : { kind: 'error', message: (error as Error).message } });
    } finally {
      if (running === controller) running = undefined;
    }
  },

  stop() {
    running?.abort();
  },

  showRun(id) {
    const run = get().runs.find((r) => r.id === id);
    if (run) set({ shownRunId: id, status: { kind: 'done', message: forestSummary(run) } });
  },

  async removeRun(id) {
    await deleteForestRun(id);
    announceChange('runs');
    set((s) => ({ runs: s.runs.filter((r) => r.id !== id), ...(s.shownRunId === id ? { shownRunId: undefined } : {}) }));
  },
}));

// The session record carries the forest settings and each saved forest's figures, as it does for MLP runs.
contributeToReport({
  settings: () => {
    const { features, settings, runs } = useForestStore.getState();
    return [
      'randomForest',
      {
        features,
        settings,
        runs: runs.map((run) => ({
          id: run.id,
          createdAt: run.createdAt,
          dataset: run.datasetName,
          features: run.result.features,
          settings: run.result.settings,
          trainAccuracy: run.result.trainAccuracy,
          oobAccuracy: run.result.oobAccuracy,
          testAccuracy: run.result.test.accuracy,
          testAccuracyBySize: run.result.testAccuracyBySize,
          secondsPerTree: run.result.msPerTree.map((ms) => ms / 1000),
          seconds: run.result.seconds,
        })),
      },
    ];
  },
});
