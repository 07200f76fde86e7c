/** Train section state: MLP settings, the run in progress with its live curves, and the saved runs. */
import { create } from 'zustand';
import { createJobSlice, type JobSlice } from '../lib/jobs/jobSlice';
import { empty } from '../lib/sectionStatus';
import { CancelledError } from '../lib/rpc';
import { announceChange, onOtherTabChange } from '../lib/tabs';
import { classifierJob, type ReadyInput } from './classifierJob';
import { mlpClassifier, type MlpProgress } from './classifiers/mlp';
import type { EpochLog, MlpSettings } from './mlpSettings';
import { reportLatestRuns, reportOnDatasetSwitch, reportRun } from './reportRuns';
import { useDatasetStore } from '../dataset/store';
import { runsOfDataset } from '../lib/comparability';
import { deleteRun, listRuns, runArchive } from './runs';
import { trainingInput, type FeatureKind } from './trainingInput';
import { trainWorker } from './trainWorker';
import type { RunRecord, TrainResult } from './types';

interface TrainState extends JobSlice {
  features: FeatureKind;
  settings: MlpSettings;
  backend?: string;
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
}

const summary = (run: RunRecord) =>
  `Trained on ${run.result.trainCount.toLocaleString('en-US')} images (${run.result.features}) in ${run.result.seconds.toFixed(1)} s on ${run.result.backend}: ` +
  `test accuracy ${(100 * run.result.test.accuracy).toFixed(2)}%, best epoch ${run.result.bestEpoch}${run.result.stoppedEarly ? ' (stopped early)' : ''}.`;

const IDLE = 'No classifier trained yet. An MLP trains here on CLIP embeddings or on raw pixels, as in the paper.';

let initialized = false;

export const useTrainStore = create<TrainState>((set, get) => {
  const job = createJobSlice(set, {
    idle: IDLE,
    pause: (jobId, paused) => trainWorker().setPaused({ jobId, paused }),
  });
  return {
    ...job.slice,
    features: 'clip',
    settings: mlpClassifier.defaults,
    history: [],
    batchLoss: [],
    runs: [],
    runsLoaded: false,

    async init() {
      if (initialized) return;
      initialized = true;
      onOtherTabChange('runs', () => void listRuns().then((runs) => set({ runs })));
      reportOnDatasetSwitch(mlpClassifier, () => get().runs);
      // Another dataset's run shown in Train would be read as this one's: show the active dataset's latest instead.
      useDatasetStore.subscribe((state, previous) => {
        if (state.activeId === previous.activeId || get().status.kind === 'working') return;
        if (get().runs.find((r) => r.id === get().shownRunId)?.datasetId === state.activeId) return;
        const latest = runsOfDataset(get().runs, state.activeId).shown.at(-1);
        if (latest) get().showRun(latest.id);
        else set({ shownRunId: undefined, result: undefined, history: [], batchLoss: [], status: empty(IDLE) });
      });
      const runs = await listRuns();
      // The latest run of each kind fills its Results row again after a reload.
      reportLatestRuns(mlpClassifier, runs);
      const last = runsOfDataset(runs, useDatasetStore.getState().activeId).shown.at(-1);
      if (last && get().status.kind !== 'working') set({ runs, runsLoaded: true, shownRunId: last.id, result: last.result, history: last.result.history, batchLoss: [], status: { kind: 'done', message: `Restored: ${summary(last)}` } });
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
      reportLatestRuns(mlpClassifier, runs);
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
      await job.runner.start<ReadyInput, RunRecord>({
        prepare: async (wait) => {
          const input = await trainingInput(features, 'train on raw pixels', wait);
          return input.ok ? { ok: true, value: input } : { ok: false, message: input.message };
        },
        run: async (input, running) => {
          set({ history: [], batchLoss: [], result: undefined });
          let smoothed = NaN;
          const backend = await trainWorker().backend(undefined);
          if (running.signal.aborted) throw new CancelledError();
          set({ backend });
          return (await classifierJob(mlpClassifier, settings, input, running, (update) => {
            const p = update as unknown as MlpProgress;
            if (p.type === 'batch') {
              smoothed = Number.isNaN(smoothed) ? p.loss : 0.9 * smoothed + 0.1 * p.loss;
              const x = p.epoch - 1 + p.batch / p.batches;
              set((s) => ({ batchLoss: [...s.batchLoss, { x, loss: smoothed }] }));
              return running.working(`Epoch ${p.epoch} of ${settings.epochs} · batch ${p.batch} / ${p.batches} · loss ${smoothed.toFixed(3)}`, { percent: (100 * x) / settings.epochs });
            }
            set((s) => ({ history: [...s.history, p] }));
          })) as RunRecord;
        },
        done: (run) => {
          set((state) => ({ result: run.result, backend: run.result.backend, runs: [...state.runs, run], shownRunId: run.id, history: run.result.history }));
          announceChange('runs');
          reportRun(mlpClassifier, run);
          return summary(run);
        },
        cancelled: () => 'Training was stopped before its first epoch ended.',
      });
    },
  };
});
