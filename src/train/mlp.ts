/**
 * The paper's classifier: an MLP on embeddings (or raw pixels). On a CPU it trains on a purpose-built WASM SIMD
 * kernel (./kernel/: matmuls, dropout, softmax cross-entropy and Adam in one shared memory, split across threads);
 * on WebGPU, and for GELU, in TensorFlow.js. Either way the model comes back as a TensorFlow.js model (saved runs
 * and Classify read that format). The training loop is written out (not model.fit) so that everything random is
 * seeded (initial weights, dropout, batch order: the same settings give the same model), the caller sees every
 * batch and epoch, and it can pause, stop and keep the best epoch (early stopping on a validation split carved
 * from the training set, never from the test set).
 */
import { eventTurns } from '../lib/eventTurns';
import { seededRandom } from '../lib/random';
import * as tf from '@tensorflow/tfjs';
import { shuffled, validationSplit } from './split';
import { sharedKernel, type Kernel } from './kernel/kernel';
import { trainWithKernel, type KernelCheckpoint } from './kernel/trainer';

// Kept importable from here, where they were first written.
export { shuffled, validationSplit };

export { DEFAULT_MLP, type BatchLog, type EpochLog, type MlpSettings } from './mlpSettings';
import type { BatchLog, EpochLog, MlpSettings } from './mlpSettings';

export interface TrainControl {
  signal: AbortSignal;
  /** resolves when training may go on (pause support); checked between batches */
  gate?: () => Promise<void>;
  onBatch?: (log: BatchLog) => void;
  onEpoch?: (log: EpochLog) => void;
  /**
   * The trainer: a WASM kernel, or null for TensorFlow.js. By default the kernel shared by this thread, unless
   * TensorFlow.js runs on WebGPU (a hardware GPU is faster) or the activation is GELU (the kernel has none).
   */
  kernel?: Kernel | null;
  /** kernel trainer only: a checkpoint after every epoch (weights, Adam's moments and step, the dropout generator) */
  onCheckpoint?: (checkpoint: KernelCheckpoint) => void;
  /** kernel trainer only: go on from a checkpoint of a run with the same data and settings (same final weights) */
  resume?: KernelCheckpoint;
}

/**
 * Why a run with these settings keeps no checkpoints in this worker (only the WASM kernel's trainer makes them), or
 * undefined when it does: what the page tells the user instead of pretending a reload is safe.
 */
export async function whyNoCheckpoints(s: Pick<MlpSettings, 'activation'>): Promise<string | undefined> {
  if (tf.getBackend() === 'webgpu') return 'TensorFlow.js on WebGPU trains this run, and it keeps no checkpoints: a reload loses the run';
  if (s.activation === 'gelu') return 'GELU runs train on TensorFlow.js, which keeps no checkpoints: a reload loses the run';
  if (!(await sharedKernel())) return 'this browser cannot run the WASM kernel, the only trainer that keeps checkpoints: a reload loses the run';
  return undefined;
}

export function buildMlp(inputDim: number, classes: number, s: MlpSettings): tf.Sequential {
  const model = tf.sequential();
  s.hidden.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        inputShape: i === 0 ? [inputDim] : undefined,
        activation: s.activation === 'gelu' ? 'linear' : s.activation,
        kernelInitializer: tf.initializers.heNormal({ seed: s.seed + i }),
        kernelRegularizer: s.l2 > 0 ? tf.regularizers.l2({ l2: s.l2 }) : undefined,
      }),
    );
    if (s.activation === 'gelu') model.add(tf.layers.activation({ activation: 'gelu' as 'relu' }));
    if (s.dropout > 0) model.add(tf.layers.dropout({ rate: s.dropout, seed: s.seed + 100 + i }));
  });
  model.add(
    tf.layers.dense({
      units: classes,
      inputShape: s.hidden.length === 0 ? [inputDim] : undefined,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: s.seed + 999 }),
    }),
  );
  return model;
}

function gather(x: Float32Array, dim: number, rows: number[]): tf.Tensor2D {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, k) => out.set(x.subarray(r * dim, (r + 1) * dim), k * dim));
  return tf.tensor2d(out, [rows.length, dim]);
}

function oneHot(labels: ArrayLike<number>, rows: number[], classes: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(rows.map((r) => labels[r]), 'int32'), classes).toFloat() as tf.Tensor2D);
}

export interface TrainedMlp {
  model: tf.Sequential;
  history: EpochLog[];
  bestEpoch: number;
  stoppedEarly: boolean;
  /** what trained it: e.g. "wasm-kernel (relaxed SIMD, 2 threads)" or TensorFlow.js's backend ("webgpu") */
  engine: string;
}

/** Trains on `trainRows` of x ([n, dim]); returns the model with the weights of its best validation epoch. */
export async function trainMlp(
  x: Float32Array,
  dim: number,
  labels: ArrayLike<number>,
  trainRows: number[],
  classes: number,
  s: MlpSettings,
  control: TrainControl,
): Promise<TrainedMlp> {
  const { train, val } = validationSplit(labels, trainRows, s.validationShare, s.seed);
  const kernel = control.kernel !== undefined ? control.kernel : tf.getBackend() === 'webgpu' || s.activation === 'gelu' ? null : await sharedKernel();
  if (kernel && s.activation !== 'gelu') return trainOnKernel(kernel, x, dim, labels, train, val, classes, s, control);
  // Resuming on TensorFlow.js would silently start over: refuse instead.
  if (control.resume) throw new Error(`Only the WASM kernel can continue from a checkpoint; this run would train on TensorFlow.js (${tf.getBackend()})`);
  const model = buildMlp(dim, classes, s);
  const optimizer = tf.train.adam(s.learningRate);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const counts = new Array(classes).fill(0);
  train.forEach((r) => counts[labels[r]]++);
  const classWeight = counts.map((c) => (s.classWeighting && c ? train.length / (classes * c) : 1));

  const xVal = val.length ? gather(x, dim, val) : undefined;
  const yVal = val.length ? oneHot(labels, val, classes) : undefined;
  const random = seededRandom(s.seed);
  const history: EpochLog[] = [];
  let best = { loss: Infinity, epoch: -1, weights: [] as tf.Tensor[] };
  let stoppedEarly = false;
  try {
    const turn = eventTurns();
    for (let epoch = 1; epoch <= s.epochs; epoch++) {
      // Adam reads its rate at every step; setting it keeps the moment estimates a new optimizer would lose.
      (optimizer as unknown as { learningRate: number }).learningRate = s.learningRate * s.lrDecay ** (epoch - 1);
      const order = shuffled(train, random);
      const batches = Math.ceil(order.length / s.batchSize);
      let lossSum = 0;
      let accSum = 0;
      for (let b = 0; b < batches; b++) {
        if (control.signal.aborted) break;
        await control.gate?.();
        const rows = order.slice(b * s.batchSize, (b + 1) * s.batchSize);
        const xb = gather(x, dim, rows);
        const yb = oneHot(labels, rows, classes);
        const weights = tf.tensor1d(rows.map((r) => classWeight[labels[r]]));
        let correct = 0;
        // A hand-written step: weighted cross-entropy (class weighting) plus the L2 penalties, dropout active.
        const lossTensor = optimizer.minimize(() => {
          const predicted = model.apply(xb, { training: true }) as tf.Tensor2D;
          correct = tf.tidy(() => predicted.argMax(1).equal(yb.argMax(1)).sum().dataSync()[0]);
          const crossEntropy = tf.metrics.categoricalCrossentropy(yb, predicted).mul(weights).mean() as tf.Scalar;
          const penalties = model.calculateLosses();
          return penalties.length ? (tf.addN([crossEntropy, ...penalties]) as tf.Scalar) : crossEntropy;
        }, true)!;
        const loss = (await lossTensor.data())[0];
        const acc = correct / rows.length;
        lossTensor.dispose();
        tf.dispose([xb, yb, weights]);
        lossSum += loss * rows.length;
        accSum += acc * rows.length;
        control.onBatch?.({ epoch, batch: b + 1, batches, loss });
        // Yield so cancel and pause messages reach the worker, however short a batch is.
        await turn();
      }
      if (control.signal.aborted) break;
      let valLoss = NaN;
      let valAcc = NaN;
      if (xVal && yVal) {
        const [l, a] = model.evaluate(xVal, yVal, { batchSize: 1024 }) as tf.Scalar[];
        valLoss = (await l.data())[0];
        valAcc = (await a.data())[0];
        l.dispose();
        a.dispose();
      }
      const log = { epoch, loss: lossSum / train.length, acc: accSum / train.length, valLoss, valAcc };
      history.push(log);
      control.onEpoch?.(log);
      const monitored = Number.isFinite(valLoss) ? valLoss : log.loss;
      if (monitored < best.loss) {
        best.weights.forEach((w) => w.dispose());
        best = { loss: monitored, epoch, weights: model.getWeights().map((w) => w.clone()) };
      } else if (s.patience > 0 && epoch - best.epoch >= s.patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (best.weights.length) model.setWeights(best.weights);
    return { model, history, bestEpoch: best.epoch, stoppedEarly, engine: tf.getBackend() };
  } finally {
    best.weights.forEach((w) => w.dispose());
    xVal?.dispose();
    yVal?.dispose();
  }
}

/** Trainings on a kernel take turns: each lays out the kernel's memory from the same mark. */
let kernelTurn: Promise<unknown> = Promise.resolve();

/** The kernel's training loop from the same initial weights and batch order, its result as a TensorFlow.js model. */
async function trainOnKernel(
  kernel: Kernel,
  x: Float32Array,
  dim: number,
  labels: ArrayLike<number>,
  train: number[],
  val: number[],
  classes: number,
  s: MlpSettings,
  control: TrainControl,
): Promise<TrainedMlp> {
  const model = buildMlp(dim, classes, s);
  const initialWeights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  const random = seededRandom(s.seed);
  const turn = kernelTurn.then(() => trainWithKernel(kernel, { x, dim, labels, classes, train, val, initialWeights, order: () => shuffled(train, random) }, s, control));
  kernelTurn = turn.catch(() => undefined);
  const trained = await turn.catch((error: unknown) => {
    model.dispose();
    throw error;
  });
  const tensors = model.getWeights().map((w, i) => tf.tensor(trained.weights[i], w.shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
  return { model, history: trained.history, bestEpoch: trained.bestEpoch, stoppedEarly: trained.stoppedEarly, engine: kernel.describe() };
}

/** Class probabilities for `rows` of x, [rows.length, classes]. */
export function predictRows(model: tf.LayersModel, x: Float32Array, dim: number, rows: number[], batchSize = 2048): Float32Array {
  const out: Float32Array[] = [];
  for (let start = 0; start < rows.length; start += batchSize) {
    const xb = gather(x, dim, rows.slice(start, start + batchSize));
    const p = model.predict(xb) as tf.Tensor;
    out.push(p.dataSync() as Float32Array);
    xb.dispose();
    p.dispose();
  }
  const all = new Float32Array(out.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of out) {
    all.set(a, offset);
    offset += a.length;
  }
  return all;
}
