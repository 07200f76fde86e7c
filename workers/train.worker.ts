/**
 * Train worker: TensorFlow.js on the fastest backend this browser has (WebGPU on a hardware adapter, else WASM with
 * SIMD, else plain JS), training and evaluating off the main thread. Logic lives in src/train/.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import { chooseBackend, detectCompute } from '../src/lib/compute';
import { exposeApi, isCancelled, throwIfCancelled, type JobContext } from '../src/lib/rpc';
import { seededRandom } from '../src/lib/random';
import { DEFAULT_MLP, trainMlp, type MlpSettings } from '../src/train/mlp';
import { runForest, type ForestProgress } from '../src/train/forestRun';
import type { ForestSettings } from '../src/train/forest';
import { sweepRow, type SweepRow } from '../src/train/sweep';
import { newRunIdentity, saveForestRun, saveRun, type ForestRunRecord, type RunRecord } from '../src/train/runs';
import { runTraining, type Features, type TrainProgress } from '../src/train/trainRun';
import { predictWithSavedRun, type SavedRunInput } from '../src/train/runPredictor';

let backend: Promise<string> | undefined;

async function pickBackend(): Promise<string> {
  const caps = await detectCompute();
  if (chooseBackend(caps, 'auto').kind === 'webgpu' && (await tf.setBackend('webgpu').catch(() => false))) return 'webgpu';
  return pickCpuBackend();
}

async function pickCpuBackend(): Promise<string> {
  setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmSimd });
  // The threaded build starts its threads with importScripts from this worker's URL, which a module worker cannot
  // serve: it crashes the worker. SIMD on one thread is what works from a module worker.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (await tf.setBackend('wasm').catch(() => false)) return 'wasm';
  await tf.setBackend('cpu');
  return 'cpu';
}

export type SweepProgress = { type: 'config'; index: number; total: number } | { type: 'epoch'; index: number; epoch: number; epochs: number } | { type: 'row'; row: SweepRow };

let paused = false;
let resume: (() => void) | undefined;
const gate = () => (paused ? new Promise<void>((r) => (resume = r)) : Promise.resolve());

const api = {
  async backend(): Promise<string> {
    backend ??= pickBackend().then(async (name) => (await tf.ready(), name));
    return backend;
  },
  /** Trains, evaluates and saves the run (record and model) in IndexedDB; returns the saved record. */
  async train(
    input: { datasetId: string; datasetName: string; features: Features; settings: MlpSettings },
    ctx: JobContext<TrainProgress>,
  ): Promise<RunRecord> {
    const backendName = await api.backend();
    paused = false;
    // A paused run that is stopped must wake up to see the stop.
    ctx.signal.addEventListener('abort', () => void api.setPaused({ paused: false }));
    const control = { signal: ctx.signal, gate, progress: ctx.progress };
    let trained: Awaited<ReturnType<typeof runTraining>>;
    try {
      trained = await runTraining(input.datasetId, input.features, input.settings, control);
    } catch (error) {
      if (backendName !== 'webgpu' || isCancelled(error)) throw error;
      // A lost GPU device (or a kernel the adapter cannot run) ends the run on WebGPU: it starts again on the CPU
      // backend, with the same seed, so the result is the run the user asked for, and the page says why.
      backend = pickCpuBackend();
      ctx.progress({ type: 'stage', message: `WebGPU failed (${(error as Error).message}); training again on ${await backend}…` });
      trained = await runTraining(input.datasetId, input.features, input.settings, control);
    }
    const { result, model } = trained;
    const record: RunRecord = { ...newRunIdentity(input), result };
    await saveRun(record, model);
    return record;
  },
  /**
   * Hyperparameter sweep: trains the given MLP configurations one after another on the same features (each with
   * its own early stopping on the validation split) and reports each one's row as it finishes. Sweep runs are not
   * saved as runs. A cancel ends the sweep; rows already reported stay with the caller.
   */
  async sweep(
    input: { datasetId: string; features: Features; configs: MlpSettings[] },
    ctx: JobContext<SweepProgress>,
  ): Promise<SweepRow[]> {
    await api.backend();
    paused = false;
    const rows: SweepRow[] = [];
    for (const [index, settings] of input.configs.entries()) {
      throwIfCancelled(ctx.signal);
      ctx.progress({ type: 'config', index, total: input.configs.length });
      const { result } = await runTraining(input.datasetId, input.features, settings, {
        signal: ctx.signal,
        gate: () => Promise.resolve(),
        progress: (p) => p.type === 'epoch' && ctx.progress({ type: 'epoch', index, epoch: p.epoch, epochs: settings.epochs }),
      });
      // A cancel mid-config still returns that config's best epoch: it is not a finished row.
      throwIfCancelled(ctx.signal);
      const row = sweepRow(index, result);
      rows.push(row);
      ctx.progress({ type: 'row', row });
    }
    return rows;
  },
  /**
   * Grows a random forest (src/train/forest.ts), evaluates it and saves it with its record, unless `save` is false
   * (the benchmark). A cancelled forest throws and stores nothing.
   */
  async trainForest(
    input: { datasetId: string; datasetName: string; features: Features; settings: ForestSettings; save?: boolean },
    ctx: JobContext<ForestProgress>,
  ): Promise<ForestRunRecord> {
    const { result, forest } = await runForest(input.datasetId, input.features, input.settings, { signal: ctx.signal, progress: ctx.progress });
    const record: ForestRunRecord = { ...newRunIdentity(input), result };
    if (input.save !== false) await saveForestRun(record, forest);
    return record;
  },
  /** Times the default MLP on synthetic features (n × dim, 7 classes): the figure `npm run bench train` reports. */
  async speedTest(input: { n: number; dim: number; epochs: number }, ctx: JobContext<number>): Promise<{ msPerEpoch: number[]; backend: string }> {
    const backendName = await api.backend();
    const random = seededRandom(1);
    const x = Float32Array.from({ length: input.n * input.dim }, () => random() * 2 - 1);
    const labels = Uint8Array.from({ length: input.n }, (_, i) => i % 7);
    const rows = Array.from({ length: input.n }, (_, i) => i);
    const ends: number[] = [];
    let last = performance.now();
    const settings = { ...DEFAULT_MLP, epochs: input.epochs, validationShare: 0, patience: 0 };
    const trained = await trainMlp(x, input.dim, labels, rows, 7, settings, {
      signal: ctx.signal,
      onEpoch: () => {
        const now = performance.now();
        ends.push(now - last);
        last = now;
        ctx.progress(ends.length);
      },
    });
    trained.model.dispose();
    return { msPerEpoch: ends, backend: backendName };
  },

  /** A saved run's class probabilities for feature rows (occlusion maps score their occluded faces with it). */
  async predictWithRun(input: SavedRunInput): Promise<Float32Array> {
    await api.backend();
    return predictWithSavedRun(input);
  },

  async setPaused(input: { paused: boolean }): Promise<void> {
    paused = input.paused;
    if (!paused) {
      resume?.();
      resume = undefined;
    }
  },
};

export type TrainWorkerApi = typeof api;
exposeApi(api);
