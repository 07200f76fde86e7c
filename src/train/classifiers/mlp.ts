/**
 * The paper's classifier: an MLP in TensorFlow.js (src/train/mlp.ts). TensorFlow.js is imported on first use, so
 * a worker that only grows forests never loads it.
 */
import type { LayersModel } from '@tensorflow/tfjs';
import { EMOTION_COUNT } from '../../lib/emotions';
import { CancelledError, isCancelled } from '../../lib/rpc';
import { DEFAULT_MLP, type BatchLog, type EpochLog, type MlpSettings } from '../mlpSettings';
import type { MlpDetails, ModelFiles, TrainResult } from '../types';
import { trainingFingerprint } from '../checkpoints';
import type { KernelCheckpoint } from '../kernel/trainer';
import type { CheckpointSlot, Classifier } from './types';

type MlpModule = typeof import('../mlp');
export type MlpProgress =
  | ({ type: 'batch' } & BatchLog)
  | ({ type: 'epoch' } & EpochLog)
  /** going on from a checkpoint: the epochs it had finished */
  | { type: 'resumed'; history: EpochLog[] }
  /** a checkpoint stored after `epoch` (or why it could not be) */
  | { type: 'checkpoint'; epoch: number; error?: string }
  /** why this run keeps no checkpoints (WebGPU, GELU: TensorFlow.js trains) */
  | { type: 'no-checkpoints'; reason: string };

/** What an MLP checkpoint holds: the kernel trainer's state, the data it belongs to and the training time so far. */
export interface MlpCheckpointState {
  kernel: KernelCheckpoint;
  fingerprint: string;
  seconds: number;
}

let loaded: { mlp: MlpModule; backend: typeof import('../tfBackend') } | undefined;
async function load() {
  loaded ??= { mlp: await import('../mlp'), backend: await import('../tfBackend') };
  return loaded;
}

const BATCH_REPORT_MS = 50;

export const describeMlp = (s: MlpSettings) =>
  `MLP ${s.hidden.join('-') || 'linear'} ${s.activation}, dropout ${s.dropout}, lr ${s.learningRate}, batch ${s.batchSize}`;

export const mlpClassifier: Classifier<MlpSettings, LayersModel, MlpDetails, MlpProgress, TrainResult> = {
  kind: 'mlp',
  label: 'MLP',
  blurb: 'The paper’s classifier: a small neural network trained with Adam, early stopping on a validation split.',
  paperTest: { 'raw-pixels': 0.414, clip: 0.714 },
  defaults: DEFAULT_MLP,
  storage: { record: 'run', model: 'model' },
  describe: describeMlp,
  describeResult: (result) =>
    `${describeMlp(result.settings)}, ${result.history.length} epochs${result.resumedFrom ? ` (continued from epoch ${result.resumedFrom} after a reload)` : ''}, seed ${result.settings.seed}; ${result.features}`,

  async train(data, settings, ctx) {
    const { mlp, backend } = await load();
    let backendName = await backend.tfBackend();
    let lastBatchReport = -Infinity;
    const slot = ctx.checkpoints as CheckpointSlot<MlpCheckpointState> | undefined;
    const fingerprint = trainingFingerprint(data);
    const saved = await slot?.load();
    if (saved && saved.state.fingerprint !== fingerprint) {
      throw new Error(`The features of this dataset changed since the checkpoint of epoch ${saved.epoch} (more images embedded?), so it cannot be continued: train again`);
    }
    const noCheckpoints = slot ? await mlp.whyNoCheckpoints(settings) : undefined;
    if (saved && noCheckpoints) throw new Error(`The checkpoint of epoch ${saved.epoch} cannot be continued here (${noCheckpoints}): train again`);
    if (noCheckpoints) ctx.progress({ type: 'no-checkpoints', reason: noCheckpoints });
    if (saved) ctx.progress({ type: 'resumed', history: saved.state.kernel.history });
    const started = performance.now();
    const engine = await backend.trainerName();
    const onCheckpoint =
      slot && !noCheckpoints
        ? (kernel: KernelCheckpoint) => {
            const seconds = (saved?.state.seconds ?? 0) + (performance.now() - started) / 1000;
            // Not awaited: the next epoch trains while this one is written (the slot writes the newest, one at a time).
            void slot.save({ kernel, fingerprint, seconds }, kernel.epoch, engine).then(
              (written) => written && ctx.progress({ type: 'checkpoint', epoch: kernel.epoch }),
              (error: Error) => ctx.progress({ type: 'checkpoint', epoch: kernel.epoch, error: error.message }),
            );
          }
        : undefined;
    const fit = () =>
      mlp.trainMlp(data.x, data.dim, data.labels, data.train, EMOTION_COUNT, settings, {
        signal: ctx.signal,
        gate: ctx.gate,
        resume: saved?.state.kernel,
        onCheckpoint,
        // At most ~20 batch updates a second: on the kernel a batch can take well under a millisecond, and a message
        // per batch floods the page (every one redraws the curves) until it cannot even take the Pause click.
        onBatch: (log) => {
          const now = performance.now();
          if (now - lastBatchReport < BATCH_REPORT_MS && log.batch !== log.batches) return;
          lastBatchReport = now;
          ctx.progress({ type: 'batch', ...log });
        },
        onEpoch: (log) => ctx.progress({ type: 'epoch', ...log }),
      });
    let trained: Awaited<ReturnType<typeof fit>>;
    try {
      trained = await fit();
    } catch (error) {
      if (backendName !== 'webgpu' || isCancelled(error)) throw error;
      // A lost GPU device (or a kernel the adapter cannot run) ends the run on WebGPU: it starts again on the CPU
      // backend, with the same seed, so the result is the run the user asked for, and the page says why.
      backendName = await backend.fallBackToCpu();
      ctx.progress({ type: 'stage', message: `WebGPU failed (${(error as Error).message}); training again on ${backendName}…` });
      trained = await fit();
    } finally {
      // Every checkpoint write has ended before the job saves the run (and drops the checkpoint) or gives up.
      await slot?.flush();
    }
    // Stopped before the first epoch ended: nothing to keep.
    if (ctx.signal.aborted && trained.history.length === 0) {
      trained.model.dispose();
      throw new CancelledError();
    }
    const details = { history: trained.history, bestEpoch: trained.bestEpoch, stoppedEarly: trained.stoppedEarly, backend: trained.engine };
    return { model: trained.model, details: saved ? { ...details, resumedFrom: saved.epoch, secondsBeforeResume: saved.state.seconds } : details };
  },

  predict(model, x, dim, rows) {
    if (!loaded) throw new Error('The MLP module is not loaded: train or deserialize a model first');
    return loaded.mlp.predictRows(model, x, dim, rows);
  },

  /** The model as TensorFlow.js files (model.json's topology and weight manifest, and the weights). */
  async serialize(model): Promise<ModelFiles> {
    return (await load()).backend.modelFiles(model);
  },

  async deserialize(stored) {
    return (await load()).backend.loadModelFiles(stored as ModelFiles);
  },

  reportDetails: (r) => ({
    lines: [`Best epoch ${r.bestEpoch} of ${r.history.length}${r.stoppedEarly ? ' (stopped early)' : ''}; ${r.seconds.toFixed(1)} s on ${r.backend}.`],
    tables: [],
  }),
  storedBytes: (stored) => (stored as ModelFiles | undefined)?.weightData.byteLength ?? 0,
  dispose: (model) => model.dispose(),
};
