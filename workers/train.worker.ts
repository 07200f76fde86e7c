/**
 * Train worker: every classifier of the registry (src/train/classifiers) trains, is scored and saved here, off the
 * main thread; one worker serves every train job of the page, each with its own pause state. TensorFlow.js is
 * loaded only by the MLP's jobs (dynamic import), so forests and linear probes never pay for it. Logic lives in
 * src/train/.
 */
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import { PauseGates } from '../src/lib/jobs/pauseGates';
import { provideTfWasmFiles } from '../src/lib/tfCpu';
import { exposeApi, throwIfCancelled, type JobContext } from '../src/lib/rpc';
import { seededRandom } from '../src/lib/random';
import { classifierOf, type ClassifierKind } from '../src/train/classifiers';
import { mlpClassifier, type MlpProgress } from '../src/train/classifiers/mlp';
import { fitAndScore, trainAndSave } from '../src/train/classifierRun';
import { runDataEfficiency, type DataEfficiencyJob, type DataEfficiencyProgress } from '../src/train/dataEfficiencyRun';
import { DEFAULT_MLP, type MlpSettings } from '../src/train/mlpSettings';
import { sweepRow, type SweepRow } from '../src/train/sweep';
import { loadTrainingData } from '../src/train/trainingData';
import type { SavedRunInput } from '../src/train/runPredictor';
import type { ClassifierRun, Features, TrainResult } from '../src/train/types';
import type { ClassifierProgress, SweepProgress, TrainWorkerApi } from '../src/train/trainWorker';

// Only URLs: TensorFlow.js itself is loaded by the first MLP job.
provideTfWasmFiles({ plain: wasmPlain, simd: wasmSimd });
const pauses = new PauseGates();

/** Runs `work` with the job's pause gate, and forgets the job's pause state afterwards. */
async function withGate<T>(jobId: string, signal: AbortSignal, work: (gate: () => Promise<void>) => Promise<T>): Promise<T> {
  try {
    return await work(pauses.gate(jobId, signal));
  } finally {
    pauses.release(jobId);
  }
}

const api = {
  /** What the MLP trains on: the WASM kernel off WebGPU, or TensorFlow.js on WebGPU (loads TensorFlow.js). */
  async backend(): Promise<string> {
    return (await import('../src/train/tfBackend')).trainerName();
  },

  /**
   * Trains one classifier of the registry, scores it and saves it (record and model) in IndexedDB, unless `save`
   * is false (the benchmark); returns the record. A cancelled job throws and stores nothing (an MLP stopped after
   * its first epoch keeps its best epoch: that is its result). With `checkpoint`, an MLP stores a checkpoint after
   * every epoch under that key and goes on from the one stored there (src/train/classifierRun.ts: trainAndSave).
   */
  async train(
    input: { jobId: string; classifier: ClassifierKind; datasetId: string; datasetName: string; features: Features; settings: unknown; save?: boolean; checkpoint?: string },
    ctx: JobContext<ClassifierProgress>,
  ): Promise<ClassifierRun> {
    const entry = classifierOf(input.classifier);
    return withGate(input.jobId, ctx.signal, (gate) => trainAndSave(entry, input, { signal: ctx.signal, gate, progress: ctx.progress }));
  },

  /**
   * Hyperparameter sweep: trains the given MLP configurations one after another on the same features (each with
   * its own early stopping on the validation split) and reports each one's row as it finishes. Sweep configurations
   * are not saved as runs (the caller stores the table). A cancel ends the sweep; rows already reported stay with
   * the caller.
   */
  async sweep(input: { jobId: string; datasetId: string; features: Features; configs: MlpSettings[] }, ctx: JobContext<SweepProgress>): Promise<SweepRow[]> {
    return withGate(input.jobId, ctx.signal, async (gate) => {
      const data = await loadTrainingData(input.datasetId, input.features, () => undefined);
      const rows: SweepRow[] = [];
      for (const [index, settings] of input.configs.entries()) {
        // A turn for the event loop between configurations: on a small dataset a configuration never yields by
        // itself, and the cancel and pause messages must get in.
        await new Promise((resolve) => setTimeout(resolve, 0));
        throwIfCancelled(ctx.signal);
        ctx.progress({ type: 'config', index, total: input.configs.length });
        const { result } = await fitAndScore<TrainResult, MlpProgress>(mlpClassifier, data, input.features, settings, {
          signal: ctx.signal,
          gate,
          progress: (p) => p.type === 'epoch' && ctx.progress({ type: 'epoch', index, epoch: p.epoch, epochs: settings.epochs }),
        }, { keep: false });
        // A cancel mid-config still returns that config's best epoch: it is not a finished row.
        throwIfCancelled(ctx.signal);
        const row = sweepRow(index, result);
        rows.push(row);
        ctx.progress({ type: 'row', row });
      }
      return rows;
    });
  },

  /** A data-efficiency curve (src/train/dataEfficiencyRun.ts): each finished (k, draw) is reported as it ends. */
  async dataEfficiency(input: { jobId: string; datasetId: string; features: Features } & DataEfficiencyJob, ctx: JobContext<DataEfficiencyProgress>) {
    return withGate(input.jobId, ctx.signal, async (gate) =>
      runDataEfficiency(await loadTrainingData(input.datasetId, input.features, (message) => ctx.progress({ type: 'stage', message })), input.features, input, { signal: ctx.signal, gate, progress: ctx.progress }),
    );
  },

  /**
   * Times the default MLP on synthetic features (n × dim, 7 classes): the figure `npm run bench train` reports.
   * `threads` trains on a kernel of its own with that many threads (the shared one otherwise); the losses of every
   * batch come back so runs on different thread counts can be compared bit for bit.
   */
  async speedTest(
    input: { n: number; dim: number; epochs: number; threads?: number },
    ctx: JobContext<number>,
  ): Promise<{ msPerEpoch: number[]; backend: string; batchLosses: number[] }> {
    let backendName = await api.backend();
    const { trainMlp } = await import('../src/train/mlp');
    const { Kernel } = await import('../src/train/kernel/kernel');
    const kernel = input.threads && backendName !== 'webgpu' ? await Kernel.create({ threads: input.threads }) : undefined;
    if (kernel) backendName = kernel.describe();
    const batchLosses: number[] = [];
    const random = seededRandom(1);
    const x = Float32Array.from({ length: input.n * input.dim }, () => random() * 2 - 1);
    const labels = Uint8Array.from({ length: input.n }, (_, i) => i % 7);
    const rows = Array.from({ length: input.n }, (_, i) => i);
    const ends: number[] = [];
    let last = performance.now();
    const settings = { ...DEFAULT_MLP, epochs: input.epochs, validationShare: 0, patience: 0 };
    const trained = await trainMlp(x, input.dim, labels, rows, 7, settings, {
      signal: ctx.signal,
      ...(kernel ? { kernel } : {}),
      onBatch: (log) => batchLosses.push(log.loss),
      onEpoch: () => {
        const now = performance.now();
        ends.push(now - last);
        last = now;
        ctx.progress(ends.length);
      },
    });
    trained.model.dispose();
    kernel?.dispose();
    return { msPerEpoch: ends, backend: backendName, batchLosses };
  },

  /**
   * A saved run's class probabilities for feature rows (occlusion maps score their occluded faces with it). The
   * predictor loads TensorFlow.js, so it is imported only here.
   */
  async predictWithRun(input: SavedRunInput): Promise<Float32Array> {
    await api.backend();
    const { predictWithSavedRun } = await import('../src/train/runPredictor');
    return predictWithSavedRun(input);
  },

  /** Pauses or resumes one job; the others go on. */
  async setPaused(input: { jobId: string; paused: boolean }): Promise<void> {
    pauses.setPaused(input.jobId, input.paused);
  },
} satisfies TrainWorkerApi;

exposeApi(api);
