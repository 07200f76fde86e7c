/** Train section state: MLP settings, the run in progress with its live curves, and the saved runs. */
import { create } from 'zustand';
import type { Prepared } from '../lib/jobs/jobRunner';
import { createJobSlice, type JobSlice } from '../lib/jobs/jobSlice';
import { formatPace, type Progress } from '../lib/progress';
import { awaitRepresentation } from '../embed/store';
import { empty } from '../lib/sectionStatus';
import { CancelledError } from '../lib/rpc';
import { announceChange, LOCKS, onOtherTabChange, whenFree, withLockOrFail } from '../lib/tabs';
import { classifierJob, type ReadyInput } from './classifierJob';
import { mlpClassifier, type MlpProgress } from './classifiers/mlp';
import type { EpochLog, MlpSettings } from './mlpSettings';
import { deleteCheckpoints, deleteRun, listCheckpoints, listRuns, runArchive, type CheckpointInfo } from './runs';
import { useDatasetStore } from '../dataset/store';
import { runsOfDataset } from '../lib/comparability';
import { trainingInput, type FeatureKind } from './trainingInput';
import { trainWorker } from './trainWorker';
import type { RunRecord, TrainResult } from './types';
import { downloadBlob } from '../lib/download';

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
  /** a stored checkpoint of an MLP run a reload or a crash cut off: Continue goes on from it */
  checkpoint?: CheckpointInfo;
  /** while training: the last checkpoint stored, or why this run keeps none */
  checkpointNote?: string;
  continueRun(): Promise<void>;
  discardCheckpoint(): Promise<void>;
  /** deletes a stored checkpoint (the storage panel) */
  removeCheckpoint(key: string): Promise<void>;
}

const summary = (run: RunRecord) =>
  `${run.result.resumedFrom ? `Continued from the checkpoint of epoch ${run.result.resumedFrom} (${(run.result.secondsBeforeResume ?? 0).toFixed(1)} s of training before it). ` : ''}Trained on ${run.result.trainCount.toLocaleString('en-US')} images (${run.result.features}) in ${run.result.seconds.toFixed(1)} s on ${run.result.backend}: ` +
  `test accuracy ${(100 * run.result.test.accuracy).toFixed(2)}%, best epoch ${run.result.bestEpoch}${run.result.stoppedEarly ? ' (stopped early)' : ''}.`;

const IDLE = 'No classifier trained yet. An MLP trains here on CLIP embeddings or on raw pixels, as in the paper.';

let initialized = false;

const newCheckpointKey = () => `mlp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** The working line of an MLP batch: where it is, the smoothed loss, and from the epochs' pace, time per epoch and ETA. */
function batchMessage(p: { epoch: number; batch: number; batches: number }, epochs: number, loss: number, pace: Progress): string {
  return [`Epoch ${p.epoch} of ${epochs}`, `batch ${p.batch} / ${p.batches}`, `loss ${loss.toFixed(3)}`, formatPace(pace, 'epoch')].filter(Boolean).join(' · ');
}

export const useTrainStore = create<TrainState>((set, get) => {
  const job = createJobSlice(set, {
    idle: IDLE,
    pause: (jobId, paused) => trainWorker().setPaused({ jobId, paused }),
  });

  /**
   * Runs the MLP job whose checkpoints live under `key`: the worker goes on from the checkpoint stored there, if
   * any (Continue after a reload, or Try again after a crash), and stores one after every epoch.
   */
  const startRun = (key: string, settings: MlpSettings, prepare: (wait: (message: string) => void) => Promise<Prepared<ReadyInput>>) =>
    job.runner.start<ReadyInput, RunRecord>({
      prepare,
      run: async (input, running) => {
        set({ history: [], batchLoss: [], result: undefined, checkpointNote: undefined });
        let smoothed = NaN;
        const backend = await trainWorker().backend(undefined);
        if (running.signal.aborted) throw new CancelledError();
        set({ backend });
        const pace = running.tracker('Epoch', settings.epochs, 'epochs');
        const onUpdate = (update: { type: string }) => {
          const p = update as unknown as MlpProgress;
          if (p.type === 'batch') {
            smoothed = Number.isNaN(smoothed) ? p.loss : 0.9 * smoothed + 0.1 * p.loss;
            const x = p.epoch - 1 + p.batch / p.batches;
            set((s) => ({ batchLoss: [...s.batchLoss, { x, loss: smoothed }] }));
            return running.working(batchMessage(p, settings.epochs, smoothed, pace.update(x)), { percent: (100 * x) / settings.epochs });
          }
          if (p.type === 'epoch') set((s) => ({ history: [...s.history, p] }));
          else if (p.type === 'resumed') set({ history: p.history, batchLoss: [] });
          else if (p.type === 'checkpoint') {
            set({ checkpointNote: p.error ? `The checkpoint of epoch ${p.epoch} was not stored: ${p.error}` : `Checkpoint stored after epoch ${p.epoch}: a reload can continue from it.` });
          } else if (p.type === 'no-checkpoints') set({ checkpointNote: `No checkpoints: ${p.reason}.` });
        };
        // One tab at a time trains a job: a second tab offered the same checkpoint must not write it too.
        const busy = 'Another tab is training this run right now; it goes on there.';
        return (await withLockOrFail(LOCKS.training(key), busy, () => classifierJob(mlpClassifier, settings, input, running, onUpdate, key))) as RunRecord;
      },
      done: (run) => {
        set((state) => ({ result: run.result, backend: run.result.backend, runs: [...state.runs, run], shownRunId: run.id, history: run.result.history, checkpointNote: undefined }));
        announceChange('runs');
        return summary(run);
      },
      cancelled: () => 'Training was stopped before its first epoch ended.',
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
      // Another dataset's run shown in Train would be read as this one's: show the active dataset's latest instead.
      useDatasetStore.subscribe((state, previous) => {
        if (state.activeId === previous.activeId || get().status.kind === 'working') return;
        if (get().runs.find((r) => r.id === get().shownRunId)?.datasetId === state.activeId) return;
        const latest = runsOfDataset(get().runs, state.activeId).shown.at(-1);
        if (latest) get().showRun(latest.id);
        else set({ shownRunId: undefined, result: undefined, history: [], batchLoss: [], status: empty(IDLE) });
      });
      const [runs, checkpoints] = await Promise.all([listRuns(), listCheckpoints()]);
      set({ checkpoint: checkpoints.filter((c) => c.classifier === 'mlp').at(-1) });
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
    },

    async downloadRun(id) {
      const run = get().runs.find((r) => r.id === id);
      if (!run) return;
      const bytes = await runArchive(run);
      downloadBlob(`facet-run-${run.createdAt.slice(0, 19).replace(/[:T]/g, '-')}-${run.featureKind}.zip`, new Blob([bytes as BlobPart], { type: 'application/zip' }));
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
      const key = newCheckpointKey();
      // A new run replaces the one a reload cut off: its checkpoint goes (the Train section said so). Not waited
      // for: the run starts at once, and its own checkpoints are never among those deleted.
      set({ checkpoint: undefined });
      void listCheckpoints()
        // A checkpoint another tab is training on is its own: left alone.
        .then((stale) => Promise.all(stale.filter((c) => c.key !== key).map((c) => whenFree(LOCKS.training(c.key), () => deleteCheckpoints([c.key])))))
        .catch(() => undefined); // one left behind is offered again after a reload, and deleted by the next run
      await startRun(key, settings, async (wait) => {
        const input = await trainingInput(features, 'train on raw pixels', wait);
        return input.ok ? { ok: true, value: input } : { ok: false, message: input.message };
      });
    },

    async continueRun() {
      const checkpoint = get().checkpoint;
      if (!checkpoint) return;
      // The form shows what runs: the checkpoint's settings and features.
      set({ checkpoint: undefined, settings: checkpoint.settings, features: checkpoint.features.kind });
      await startRun(checkpoint.key, checkpoint.settings, async (wait) => {
        // The run goes on with the checkpoint's own representation (its stored vectors); like every job it waits
        // while CLIP is still loading after the reload.
        if (checkpoint.features.kind === 'clip') {
          const { problem } = await awaitRepresentation(wait);
          if (problem) return { ok: false, message: problem };
        }
        return { ok: true, value: { ok: true, datasetId: checkpoint.datasetId, datasetName: checkpoint.datasetName, features: checkpoint.features } };
      });
    },

    async discardCheckpoint() {
      const checkpoint = get().checkpoint;
      if (checkpoint) await get().removeCheckpoint(checkpoint.key);
    },

    async removeCheckpoint(key) {
      await deleteCheckpoints([key]);
      if (get().checkpoint?.key === key) set({ checkpoint: undefined });
    },
  };
});
