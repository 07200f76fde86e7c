/**
 * The MLP training loop on the WASM kernel: the same model, loss, optimizer and schedule as the TensorFlow.js loop
 * in ../mlp.ts (dense layers with ReLU or tanh, inverted dropout, softmax cross-entropy weighted per class, L2 on
 * the hidden kernels, Adam with TensorFlow.js's update and ε, per-epoch learning-rate decay, early stopping on the
 * validation loss keeping the best epoch), with every array in the kernel's memory: a batch is gathered there, and
 * nothing is read back but two numbers per batch (loss and correct count).
 */

/** What of MlpSettings the kernel reads. */
export type KernelMlpSettings = Pick<MlpSettings, 'hidden' | 'activation' | 'dropout' | 'l2' | 'learningRate' | 'lrDecay' | 'batchSize' | 'epochs' | 'patience' | 'classWeighting' | 'seed'>;

export type { EpochLog } from '../mlpSettings';

/**
 * Everything training state holds after an epoch: resuming from it with the same inputs and settings gives the
 * weights an uninterrupted run would have given, bit for bit.
 */
export interface KernelCheckpoint {
  /** epochs done */
  epoch: number;
  /** weights, Adam's first and second moments, TensorFlow.js's order */
  weights: Float32Array[];
  firstMoments: Float32Array[];
  secondMoments: Float32Array[];
  /** β1^t and β2^t after t Adam steps (float32, as TensorFlow.js keeps them) */
  accBeta1: number;
  accBeta2: number;
  /** the dropout generator's state */
  rngState: number;
  history: EpochLog[];
  best: { loss: number; epoch: number; weights: Float32Array[] };
}

export interface KernelTrainControl {
  signal: AbortSignal;
  /** a checkpoint after every epoch (copies: costs a read of the weights and moments) */
  onCheckpoint?: (checkpoint: KernelCheckpoint) => void;
  /** go on from this checkpoint instead of starting */
  resume?: KernelCheckpoint;
  gate?: () => Promise<void>;
  onBatch?: (log: { epoch: number; batch: number; batches: number; loss: number }) => void;
  onEpoch?: (log: EpochLog) => void;
}
import { Kernel, type AdamHyper } from './kernel';
import { eventTurns } from '../../lib/eventTurns';
import { ThreadChoice } from './threadChoice';
import type { EpochLog, MlpSettings } from '../mlpSettings';

const BETA1 = 0.9;
const BETA2 = 0.999;
/** TensorFlow.js's Adam ε on float32 backends (backend.epsilon()). */
const EPSILON = 1e-7;
/** Validation rows per forward pass. */
const EVAL_ROWS = 1024;

export interface KernelTrainInput {
  x: Float32Array;
  dim: number;
  labels: ArrayLike<number>;
  classes: number;
  /** rows of x to train on, and the validation rows, as split by validationSplit */
  train: number[];
  val: number[];
  /** the initial weights as TensorFlow.js orders them: kernel [in, out] then bias [out], per dense layer */
  initialWeights: Float32Array[];
  /** the per-epoch batch orders come from this generator (shuffled(train, random)) */
  order: (epoch: number) => number[];
}

export interface KernelTrainResult {
  /** weights of the best epoch, in TensorFlow.js's order */
  weights: Float32Array[];
  history: EpochLog[];
  bestEpoch: number;
  stoppedEarly: boolean;
}

/**
 * A dense layer's arrays in the kernel's memory. The kernel, its gradient, its Adam moments and its best copy are
 * stored transposed, [units, inputs] (TensorFlow.js's kernel is [inputs, units]): the weight gradient is built a
 * unit at a time from the rows where that unit's gradient is not zero (see weightGradientT), and the backward
 * product dZ · Wᵀ reads W's rows directly.
 */
interface Layer {
  inputs: number;
  units: number;
  w: number;
  b: number;
  gw: number;
  gb: number;
  mw: number;
  vw: number;
  mb: number;
  vb: number;
  bestW: number;
  bestB: number;
  /** activation output [rows, units], and with dropout: mask and masked output */
  y: number;
  mask: number;
  dropped: number;
  /** gradient with respect to this layer's output, and to its pre-activation */
  dy: number;
  dz: number;
  hidden: boolean;
}

export async function trainWithKernel(kernel: Kernel, input: KernelTrainInput, s: KernelMlpSettings, control: KernelTrainControl): Promise<KernelTrainResult> {
  if (s.activation === 'gelu') throw new Error('The MLP kernel has no GELU');
  const mark = kernel.mark();
  try {
    const net = new KernelNetwork(kernel, input, s);
    const { train, val } = input;
    const resume = control.resume;
    const history: EpochLog[] = resume ? [...resume.history] : [];
    let best = { loss: Infinity, epoch: -1 };
    let stoppedEarly = false;
    if (resume) {
      net.restore(resume);
      best = { loss: resume.best.loss, epoch: resume.best.epoch };
      // The batch orders come from one generator, epoch after epoch: draw the orders of the epochs done.
      for (let epoch = 1; epoch <= resume.epoch; epoch++) input.order(epoch);
    }
    const turn = eventTurns();
    const threads = new ThreadChoice(kernel.threads, (count) => kernel.useThreads(count));
    for (let epoch = (resume?.epoch ?? 0) + 1; epoch <= s.epochs; epoch++) {
      const lr = s.learningRate * s.lrDecay ** (epoch - 1);
      const order = input.order(epoch);
      const batches = Math.ceil(order.length / s.batchSize);
      let lossSum = 0;
      let correctSum = 0;
      threads.startEpoch(batches);
      for (let b = 0; b < batches; b++) {
        if (control.signal.aborted) break;
        await control.gate?.();
        const rows = order.slice(b * s.batchSize, (b + 1) * s.batchSize);
        // Each layer's Adam step runs right after its weight gradient, on the same threads and rows.
        const started = performance.now();
        const { loss, correct } = net.gradients(rows, lr);
        threads.record(performance.now() - started);
        lossSum += loss * rows.length;
        correctSum += correct;
        control.onBatch?.({ epoch, batch: b + 1, batches, loss });
        // Yield so cancel and pause messages reach the worker, however short a batch is.
        await turn();
      }
      if (control.signal.aborted) break;
      const { valLoss, valAcc } = val.length ? net.evaluate(val) : { valLoss: NaN, valAcc: NaN };
      const log = { epoch, loss: lossSum / train.length, acc: correctSum / train.length, valLoss, valAcc };
      history.push(log);
      control.onEpoch?.(log);
      const monitored = Number.isFinite(valLoss) ? valLoss : log.loss;
      if (monitored < best.loss) {
        best = { loss: monitored, epoch };
        net.keepBest();
      } else if (s.patience > 0 && epoch - best.epoch >= s.patience) {
        stoppedEarly = true;
        break;
      }
      control.onCheckpoint?.({ ...net.state(), epoch, history: [...history], best: { ...best, weights: net.weights(true) } });
    }
    return { weights: net.weights(best.epoch > 0), history, bestEpoch: best.epoch, stoppedEarly };
  } finally {
    kernel.useThreads(kernel.threads);
    kernel.release(mark);
  }
}

/**
 * The network's arrays in the kernel's memory and its steps: gradients of a batch, an Adam step, validation,
 * keeping the best weights. Allocates from the kernel (the caller releases).
 */
export class KernelNetwork {
  private readonly layers: Layer[] = [];
  private readonly data: number;
  private readonly position: Int32Array;
  private readonly rowsMax: number;
  private readonly gradientScratch: number;
  private readonly batchX: number;
  private readonly indices: number;
  private readonly batchLabels: number;
  private readonly rowWeights: number;
  private readonly probabilities: number;
  private readonly rngState: number;
  private readonly classWeight: number[];
  private readonly activation: number;
  private accBeta1 = Math.fround(BETA1);
  private accBeta2 = Math.fround(BETA2);

  constructor(
    private readonly kernel: Kernel,
    private readonly input: Pick<KernelTrainInput, 'x' | 'dim' | 'labels' | 'classes' | 'train' | 'val' | 'initialWeights'>,
    private readonly s: Pick<KernelMlpSettings, 'hidden' | 'activation' | 'dropout' | 'l2' | 'batchSize' | 'classWeighting' | 'seed'>,
  ) {
    const { x, dim, labels, classes, train, val } = input;
    this.activation = s.activation === 'tanh' ? 2 : 1;
    this.rowsMax = Math.max(s.batchSize, val.length ? Math.min(EVAL_ROWS, val.length) : 0);
    const rowsMax = this.rowsMax;
    // The rows used (train then validation) are copied once into the kernel's memory; position[r] is where row r went.
    const used = [...train, ...val];
    this.position = new Int32Array(x.length / dim).fill(-1);
    used.forEach((r, i) => (this.position[r] = i));
    this.data = kernel.alloc(used.length * dim);
    const sizes = [dim, ...s.hidden, classes];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const [inputs, units] = [sizes[l], sizes[l + 1]];
      const hidden = l + 1 < sizes.length - 1;
      const a = (n: number) => kernel.alloc(n);
      const dropout = hidden && s.dropout > 0;
      this.layers.push({
        inputs, units, hidden,
        w: a(inputs * units), b: a(units), gw: a(inputs * units), gb: a(units),
        mw: a(inputs * units), vw: a(inputs * units), mb: a(units), vb: a(units),
        bestW: a(inputs * units), bestB: a(units),
        y: a(rowsMax * units), mask: dropout ? a(rowsMax * units) : 0, dropped: dropout ? a(rowsMax * units) : 0,
        dy: a(rowsMax * units), dz: a(rowsMax * units),
      });
    }
    this.gradientScratch = kernel.alloc(Kernel.weightGradientScratch(rowsMax));
    this.batchX = kernel.alloc(rowsMax * dim);
    this.indices = kernel.alloc(rowsMax);
    this.batchLabels = kernel.alloc(rowsMax);
    this.rowWeights = kernel.alloc(rowsMax);
    this.probabilities = kernel.alloc(rowsMax * classes);
    this.rngState = kernel.alloc(1);
    // Views are taken after the last allocation: growing the memory leaves older views short.
    const view = kernel.f32(this.data, used.length * dim);
    used.forEach((r, i) => view.set(x.subarray(r * dim, (r + 1) * dim), i * dim));
    this.setWeights(input.initialWeights);
    // Memory is reused from run to run: the Adam moments start at zero.
    for (const L of this.layers) for (const [ptr, n] of [[L.mw, L.inputs * L.units], [L.vw, L.inputs * L.units], [L.mb, L.units], [L.vb, L.units]]) kernel.f32(ptr, n).fill(0);
    // The dropout masks come from src/lib/random.ts's generator, seeded as TensorFlow.js seeds its first dropout.
    kernel.u32(this.rngState, 1)[0] = (s.seed + 100) >>> 0 || 0x9e3779b9;
    const counts = new Array(classes).fill(0);
    train.forEach((r) => counts[labels[r]]++);
    this.classWeight = counts.map((c) => (s.classWeighting && c ? train.length / (classes * c) : 1));
  }

  private setRows(rows: number[]): void {
    const { kernel, input } = this;
    const idx = kernel.u32(this.indices, rows.length);
    const lab = kernel.u32(this.batchLabels, rows.length);
    const wts = kernel.f32(this.rowWeights, rows.length);
    rows.forEach((r, i) => {
      idx[i] = this.position[r];
      lab[i] = input.labels[r];
      wts[i] = this.classWeight[input.labels[r]];
    });
    kernel.exports.gatherRows(this.data, input.dim, this.indices, rows.length, this.batchX);
  }

  private layerInput(l: number): number {
    return l === 0 ? this.batchX : this.layers[l - 1].dropped || this.layers[l - 1].y;
  }

  private forward(rows: number, training: boolean): void {
    for (const [l, L] of this.layers.entries()) {
      const input = l > 0 && !training ? this.layers[l - 1].y : this.layerInput(l);
      this.kernel.matmul(input, L.w, L.y, rows, L.units, L.inputs, { transposeB: true, bias: L.b, activation: L.hidden ? (this.activation === 2 ? 'tanh' : 'relu') : 'linear' });
      if (training && L.dropped) this.kernel.exports.dropout(L.y, L.dropped, L.mask, rows * L.units, this.s.dropout, this.rngState);
    }
  }

  /**
   * Forward and backward pass over `rows` (dataset rows, training mode: dropout on) into the gradient buffers, and
   * with `adamLr` an Adam step of that rate on each layer as soon as its gradient is there; returns the batch loss as TensorFlow.js's step reports it (weighted cross-entropy mean plus L2 penalties) and
   * the rows predicted right.
   */
  gradients(rows: number[], adamLr?: number): { loss: number; correct: number } {
    const { kernel, layers } = this;
    const k = kernel.exports;
    const n = rows.length;
    this.setRows(rows);
    this.forward(n, true);
    const output = layers[layers.length - 1];
    const { lossSum, correct } = kernel.softmaxCrossEntropy(output.y, n, this.input.classes, this.batchLabels, this.rowWeights, this.probabilities, output.dz, 1 / n);
    let penalty = 0;
    if (this.s.l2 > 0) for (const L of layers) if (L.hidden) penalty += this.s.l2 * k.sumOfSquares(L.w, L.inputs * L.units);
    const hyper = adamLr === undefined ? undefined : this.adamHyper(adamLr);
    for (let l = layers.length - 1; l >= 0; l--) {
      const L = layers[l];
      if (L.hidden) k.activationGrad(L.dy, L.mask, L.y, n * L.units, this.activation, L.dz);
      // dY of the previous layer = dZ · Wᵀ, before W moves (W is stored transposed: a plain product).
      if (l > 0) kernel.matmul(L.dz, L.w, layers[l - 1].dy, n, L.inputs, L.units);
      k.columnSums(L.dz, n, L.units, L.gb);
      const adam = hyper && { w: L.w, m: L.mw, v: L.vw, h: { ...hyper, l2x2: L.hidden ? 2 * this.s.l2 : 0 } };
      kernel.weightGradientT(this.layerInput(l), L.dz, L.gw, n, L.inputs, L.units, this.gradientScratch, adam);
      if (hyper) kernel.adam(L.b, L.gb, L.mb, L.vb, L.units, hyper);
    }
    if (hyper) this.advanceAdam();
    return { loss: lossSum / n + penalty, correct };
  }

  /** The gradients of the last gradients() call (the L2 term not included), in TensorFlow.js's weight order. */
  readGradients(): Float32Array[] {
    return this.layers.flatMap((L) => [this.readKernel(L, L.gw), this.kernel.f32(L.gb, L.units).slice()]);
  }

  private adamHyper(lr: number): AdamHyper {
    return { lr, beta1: BETA1, beta2: BETA2, epsilon: EPSILON, corr1: Math.fround(1 - this.accBeta1), corr2: Math.fround(1 - this.accBeta2), l2x2: 0 };
  }

  private advanceAdam(): void {
    this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(BETA1));
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(BETA2));
  }

  /** One Adam step from the last gradients (plus the L2 penalty's gradient on the hidden kernels). */
  adam(lr: number): void {
    const h = this.adamHyper(lr);
    for (const L of this.layers) {
      this.kernel.adam(L.w, L.gw, L.mw, L.vw, L.inputs * L.units, { ...h, l2x2: L.hidden ? 2 * this.s.l2 : 0 });
      this.kernel.adam(L.b, L.gb, L.mb, L.vb, L.units, h);
    }
    this.advanceAdam();
  }

  /** Mean (unweighted) cross-entropy and accuracy on `rows`, dropout off, as model.evaluate computes them. */
  evaluate(rows: number[]): { valLoss: number; valAcc: number } {
    const output = this.layers[this.layers.length - 1];
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < rows.length; start += this.rowsMax) {
      const chunk = rows.slice(start, start + this.rowsMax);
      this.setRows(chunk);
      this.forward(chunk.length, false);
      const r = this.kernel.softmaxCrossEntropy(output.y, chunk.length, this.input.classes, this.batchLabels, 0, this.probabilities, 0, 1);
      lossSum += r.lossSum;
      correct += r.correct;
    }
    return { valLoss: lossSum / rows.length, valAcc: correct / rows.length };
  }

  keepBest(): void {
    for (const L of this.layers) {
      this.kernel.f32(L.bestW, L.inputs * L.units).set(this.kernel.f32(L.w, L.inputs * L.units));
      this.kernel.f32(L.bestB, L.units).set(this.kernel.f32(L.b, L.units));
    }
  }

  /** The optimizer's and the generator's state with the current weights (copies). */
  state(): Pick<KernelCheckpoint, 'weights' | 'firstMoments' | 'secondMoments' | 'accBeta1' | 'accBeta2' | 'rngState'> {
    const copy = (ptrW: (L: Layer) => number, ptrB: (L: Layer) => number) =>
      this.layers.flatMap((L) => [this.readKernel(L, ptrW(L)), this.kernel.f32(ptrB(L), L.units).slice()]);
    return {
      weights: this.weights(),
      firstMoments: copy((L) => L.mw, (L) => L.mb),
      secondMoments: copy((L) => L.vw, (L) => L.vb),
      accBeta1: this.accBeta1,
      accBeta2: this.accBeta2,
      rngState: this.kernel.u32(this.rngState, 1)[0],
    };
  }

  /** Puts a checkpoint's weights, best weights, moments and generator state in place. */
  restore(c: KernelCheckpoint): void {
    this.setWeights(c.best.weights);
    this.keepBest();
    this.setWeights(c.weights);
    this.layers.forEach((L, l) => {
      this.writeKernel(L, L.mw, c.firstMoments[2 * l]);
      this.kernel.f32(L.mb, L.units).set(c.firstMoments[2 * l + 1]);
      this.writeKernel(L, L.vw, c.secondMoments[2 * l]);
      this.kernel.f32(L.vb, L.units).set(c.secondMoments[2 * l + 1]);
    });
    this.accBeta1 = c.accBeta1;
    this.accBeta2 = c.accBeta2;
    this.kernel.u32(this.rngState, 1)[0] = c.rngState;
  }

  /** Puts weights (TensorFlow.js's order) in place of the current ones. */
  setWeights(weights: Float32Array[]): void {
    this.layers.forEach((L, l) => {
      this.writeKernel(L, L.w, weights[2 * l]);
      this.kernel.f32(L.b, L.units).set(weights[2 * l + 1]);
    });
  }

  /** Copies of the weights (the kept best ones when `best`), in TensorFlow.js's order. */
  weights(best = false): Float32Array[] {
    return this.layers.flatMap((L) => [this.readKernel(L, best ? L.bestW : L.w), this.kernel.f32(best ? L.bestB : L.b, L.units).slice()]);
  }

  /** A [units, inputs] array of the layer (its kernel, gradient or a moment) in TensorFlow.js's [inputs, units]. */
  private readKernel(L: Layer, ptr: number): Float32Array {
    const stored = this.kernel.f32(ptr, L.inputs * L.units);
    const out = new Float32Array(L.inputs * L.units);
    for (let j = 0; j < L.units; j++) for (let i = 0; i < L.inputs; i++) out[i * L.units + j] = stored[j * L.inputs + i];
    return out;
  }

  /** Stores a TensorFlow.js-ordered [inputs, units] array transposed at ptr. */
  private writeKernel(L: Layer, ptr: number, values: Float32Array): void {
    const stored = this.kernel.f32(ptr, L.inputs * L.units);
    for (let j = 0; j < L.units; j++) for (let i = 0; i < L.inputs; i++) stored[j * L.inputs + i] = values[i * L.units + j];
  }
}
