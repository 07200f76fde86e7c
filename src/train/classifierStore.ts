/**
 * A classifier's store, made from its registry entry: settings and features, the job (through the one job
 * runner), the saved runs (restored at start, kept in step with other tabs; Results derives its rows from them),
 * which run is shown, and deletion. The forest and the linear probe are this store with their own progress
 * wording; the MLP store adds its curves on top of the same pieces.
 */
import { create } from 'zustand';
import { createJobSlice, type JobSlice } from '../lib/jobs/jobSlice';
import type { RunningJob } from '../lib/jobs/jobRunner';
import { announceChange, onOtherTabChange } from '../lib/tabs';
import type { AnyClassifier } from './classifiers';
import { useDatasetStore } from '../dataset/store';
import { runsOfDataset } from '../lib/comparability';
import { deleteClassifierRun, listClassifierRuns } from './runs';
import { classifierJob, type ReadyInput } from './classifierJob';
import { trainingInput } from './trainingInput';
import { trainWorker } from './trainWorker';
import type { ClassifierRun, FeatureKind, ScoredResult } from './types';

export interface ClassifierStoreState<S, R extends ScoredResult> extends JobSlice {
  features: FeatureKind;
  settings: S;
  runs: ClassifierRun<R>[];
  shownRunId?: string;
  init(): Promise<void>;
  setFeatures(features: FeatureKind): void;
  setSettings(settings: Partial<S>): void;
  train(): Promise<void>;
  showRun(id: string): void;
  removeRun(id: string): Promise<void>;
}

export interface ClassifierStoreOptions<S, R extends ScoredResult> {
  features: FeatureKind;
  idle: string;
  /** what the user could do without CLIP, e.g. "grow the forest on raw pixels" */
  instead: string;
  summary(run: ClassifierRun<R>): string;
  cancelled: string;
  /** the job's progress handler: turns the classifier's updates into working messages */
  onProgress(job: RunningJob, settings: S, input: ReadyInput): (update: { type: string } & Record<string, unknown>) => void;
}

export function createClassifierStore<S, R extends ScoredResult>(entry: AnyClassifier, options: ClassifierStoreOptions<S, R>) {
  let initialized = false;
  const store = create<ClassifierStoreState<S, R>>((set, get) => {
    const job = createJobSlice(set, { idle: options.idle, pause: (jobId, paused) => trainWorker().setPaused({ jobId, paused }) });
    const list = () => listClassifierRuns<R>(entry.storage);
    return {
      ...job.slice,
      features: options.features,
      settings: entry.defaults as S,
      runs: [],

      async init() {
        if (initialized) return;
        initialized = true;
        onOtherTabChange('runs', () => void list().then((runs) => set({ runs })));
        useDatasetStore.subscribe((state, previous) => {
          if (state.activeId === previous.activeId || get().status.kind === 'working') return;
          if (get().runs.find((r) => r.id === get().shownRunId)?.datasetId === state.activeId) return;
          const latest = runsOfDataset(get().runs, state.activeId).shown.at(-1);
          if (latest) get().showRun(latest.id);
          else set({ shownRunId: undefined });
        });
        const runs = await list();
        const last = runsOfDataset(runs, useDatasetStore.getState().activeId).shown.at(-1);
        // A job started before the runs were read keeps its status.
        const idle = get().status.kind !== 'working';
        set(last ? { runs, shownRunId: last.id, ...(idle ? { status: { kind: 'done', message: `Restored: ${options.summary(last)}` } } : {}) } : { runs });
      },

      setFeatures(features) {
        set({ features });
      },
      setSettings(settings) {
        set((s) => ({ settings: { ...s.settings, ...settings } }));
      },

      async train() {
        const { features, settings } = get();
        await job.runner.start<ReadyInput, ClassifierRun<R>>({
          prepare: async (wait) => {
            const input = await trainingInput(features, options.instead, wait);
            return input.ok ? { ok: true, value: input } : { ok: false, message: input.message };
          },
          run: (input, running) => {
            set({ shownRunId: undefined });
            return classifierJob(entry, settings, input, running, options.onProgress(running, settings, input)) as Promise<ClassifierRun<R>>;
          },
          done: (run) => {
            set((s) => ({ runs: [...s.runs, run], shownRunId: run.id }));
            announceChange('runs');
            return options.summary(run);
          },
          cancelled: () => options.cancelled,
        });
      },

      showRun(id) {
        const run = get().runs.find((r) => r.id === id);
        if (run) set({ shownRunId: id, status: { kind: 'done', message: options.summary(run) } });
      },

      async removeRun(id) {
        await deleteClassifierRun(entry.storage, id);
        announceChange('runs');
        set((s) => ({ runs: s.runs.filter((r) => r.id !== id), ...(s.shownRunId === id ? { shownRunId: undefined } : {}) }));
      },
    };
  });
  return store;
}

/**
 * What the session record keeps of a classifier: its features and settings, and per saved run the figures every
 * classifier has (accuracy, time, dataset) plus its own (`figures`: a forest's out-of-bag accuracy, a probe's C).
 */
export function classifierSessionPart<S, R extends ScoredResult>(
  store: { getState(): Pick<ClassifierStoreState<S, R>, 'features' | 'settings' | 'runs'> },
  figures: (result: R) => Record<string, unknown>,
) {
  const { features, settings, runs } = store.getState();
  return {
    features,
    settings,
    runs: runs.map((run) => ({
      id: run.id,
      createdAt: run.createdAt,
      dataset: run.datasetName,
      features: run.result.features,
      settings: run.result.settings,
      trainAccuracy: run.result.trainAccuracy,
      testAccuracy: run.result.test.accuracy,
      ...figures(run.result),
      seconds: run.result.seconds,
    })),
  };
}
