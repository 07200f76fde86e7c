/** Train section state: settings, the run in progress with its live curves, and the last result. */
import { create } from 'zustand';
import { empty, type SectionStatus } from '../app/sectionStatus';
import { isCancelled } from '../lib/rpc';
import { announceChange, onOtherTabChange } from '../lib/tabs';
import { useResultsStore } from '../results/store';
import { trainingInput, type FeatureKind } from './trainingInput';
import { DEFAULT_MLP, type EpochLog, type MlpSettings } from './mlp';
import { deleteRun, listRuns, runArchive, type RunRecord } from './runs';
import type { TrainResult } from './trainRun';
import { startTrainWorker, type TrainWorker } from './trainWorker';


interface TrainState {
  features: FeatureKind;
  settings: MlpSettings;
  status: SectionStatus;
  backend?: string;
  paused: boolean;
  history: EpochLog[];
  /** exponentially smoothed batch loss, x in epochs */
  batchLoss: { x: number; loss: number }[];
  result?: TrainResult;
  runs: RunRecord[];
  /** the stored runs have been read (until then, no runs does not mean none are stored) */
  runsLoaded: boolean;
  shownRunId?: string;
  /** the confusion-matrix cell shown (and highlighted on the Explore map): [true class, predicted class] */
  selectedCell?: [number, number];
  selectCell(cell?: [number, number]): void;
  init(): Promise<void>;
  showRun(id: string): void;
  removeRun(id: string): Promise<void>;
  downloadRun(id: string): Promise<void>;
  setFeatures(features: FeatureKind): void;
  setSettings(settings: Partial<MlpSettings>): void;
  train(): Promise<void>;
  togglePause(): Promise<void>;
  stop(): void;
}

let worker: TrainWorker | undefined;
let running: AbortController | undefined;

/** Puts a run's figures into its row of the Results table. */
function reportRun(run: RunRecord) {
  const { result } = run;
  const s = result.settings;
  useResultsStore.getState().report({
    id: run.featureKind === 'clip' ? 'clip-mlp' : 'raw-mlp',
    train: result.trainAccuracy,
    test: result.test.accuracy,
    settings: `MLP ${s.hidden.join('-') || 'linear'} ${s.activation}, dropout ${s.dropout}, lr ${s.learningRate}, batch ${s.batchSize}, ${result.history.length} epochs, seed ${s.seed}; ${result.features}`,
    seconds: result.seconds,
  });
}

const summary = (run: RunRecord) =>
  `Trained on ${run.result.trainCount.toLocaleString('en-US')} images (${run.result.features}) in ${run.result.seconds.toFixed(1)} s on ${run.result.backend}: ` +
  `test accuracy ${(100 * run.result.test.accuracy).toFixed(2)}%, best epoch ${run.result.bestEpoch}${run.result.stoppedEarly ? ' (stopped early)' : ''}.`;

export const useTrainStore = create<TrainState>((set, get) => ({
  features: 'clip',
  settings: DEFAULT_MLP,
  status: empty('No classifier trained yet. An MLP trains here on CLIP embeddings or on raw pixels, as in the paper.'),
  paused: false,
  history: [],
  batchLoss: [],
  runs: [],
  runsLoaded: false,

  async init() {
    onOtherTabChange('runs', () => void listRuns().then((runs) => set({ runs })));
    const runs = await listRuns();
    const last = runs.at(-1);
    // The latest run of each kind fills its Results row again after a reload.
    for (const kind of ['raw-pixels', 'clip'] as const) {
      const latest = runs.filter((r) => r.featureKind === kind).at(-1);
      if (latest) reportRun(latest);
    }
    if (last) set({ runs, runsLoaded: true, shownRunId: last.id, result: last.result, history: last.result.history, batchLoss: [], status: { kind: 'done', message: `Restored: ${summary(last)}` } });
    else set({ runs, runsLoaded: true });
  },

  showRun(id) {
    const run = get().runs.find((r) => r.id === id);
    if (run) set({ shownRunId: id, result: run.result, history: run.result.history, batchLoss: [], status: { kind: 'done', message: summary(run) } });
  },

  async removeRun(id) {
    await deleteRun(id);
    announceChange('runs');
    const runs = get().runs.filter((r) => r.id !== id);
    set({ runs, ...(get().shownRunId === id ? { shownRunId: undefined, result: undefined, history: [], batchLoss: [] } : {}) });
  },

  async downloadRun(id) {
    const run = get().runs.find((r) => r.id === id);
    if (!run) return;
    const bytes = await runArchive(run);
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/zip' }));
    const link = Object.assign(document.createElement('a'), { href: url, download: `facet-run-${run.createdAt.slice(0, 19).replace(/[:T]/g, '-')}-${run.featureKind}.zip` });
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  },

  selectCell(selectedCell) {
    set({ selectedCell });
  },

  setFeatures(features) {
    set({ features });
  },
  setSettings(settings) {
    set((s) => ({ settings: { ...s.settings, ...settings } }));
  },

  async train() {
    const { features, settings } = get();
    const input = await trainingInput(features, 'train on raw pixels', (message) => set({ status: { kind: 'working', message } }));
    if (!input.ok) return set({ status: { kind: 'error', message: input.message } });
    running?.abort();
    const controller = new AbortController();
    running = controller;
    if (!worker || worker.crashed) worker = startTrainWorker();
    set({ history: [], batchLoss: [], result: undefined, paused: false, status: { kind: 'working', message: 'Starting…' } });
    let smoothed = NaN;
    // Progress travels on its own port: a late batch update must not put a finished run back to "working".
    let settled = false;
    try {
      set({ backend: await worker.backend(undefined) });
      const run = await worker.train(
        { datasetId: input.datasetId, datasetName: input.datasetName, features: input.features, settings },
        {
          signal: controller.signal,
          onProgress: (p) => {
            if (settled) return;
            if (p.type === 'stage') return set({ status: { kind: 'working', message: p.message } });
            if (p.type === 'batch') {
              smoothed = Number.isNaN(smoothed) ? p.loss : 0.9 * smoothed + 0.1 * p.loss;
              const x = p.epoch - 1 + p.batch / p.batches;
              return set((s) => ({
                batchLoss: [...s.batchLoss, { x, loss: smoothed }],
                status: { kind: 'working', percent: (100 * x) / settings.epochs, message: `Epoch ${p.epoch} of ${settings.epochs} · batch ${p.batch} / ${p.batches} · loss ${smoothed.toFixed(3)}${get().paused ? ' · paused' : ''}` },
              }));
            }
            set((s) => ({ history: [...s.history, p] }));
          },
        },
      );
      settled = true;
      set((state) => ({ result: run.result, backend: run.result.backend, runs: [...state.runs, run], shownRunId: run.id, history: run.result.history, status: { kind: 'done', message: summary(run) } }));
      announceChange('runs');
      reportRun(run);
    } catch (error) {
      settled = true;
      set({ status: isCancelled(error) ? { kind: 'empty', message: 'Training was stopped before its first epoch ended.' } : { kind: 'error', message: (error as Error).message } });
    } finally {
      if (running === controller) running = undefined;
    }
  },

  async togglePause() {
    const paused = !get().paused;
    set({ paused });
    await worker?.setPaused({ paused });
  },

  stop() {
    running?.abort();
  },
}));
