import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMlp, DEFAULT_MLP, trainMlp, validationSplit, type MlpSettings, type TrainedMlp } from '../mlp';
import { Kernel } from './kernel';
import { availableFlavours } from './kernelModule';
import { WINDOW_BATCHES } from './threadChoice';
import { KernelNetwork, type KernelCheckpoint } from './trainer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Gaussian blobs in `dim` dimensions, `classes` classes, n rows (the first 80% to train on). */
function blobs(n: number, dim: number, classes: number, seed = 1) {
  let state = seed;
  const rand = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 2 - 1;
  const x = new Float32Array(n * dim);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = (i * 7 + (i >> 3)) % classes;
    for (let d = 0; d < dim; d++) x[i * dim + d] = (d % classes === y[i] ? 1.5 : 0) + rand();
  }
  return { x, y, dim, train: Array.from({ length: Math.floor(n * 0.8) }, (_, i) => i) };
}

const control = (kernel: Kernel | null, batches: number[] = []) => ({ signal: new AbortController().signal, kernel, onBatch: (b: { loss: number }) => batches.push(b.loss) });
const weightsOf = (t: TrainedMlp) => t.model.getWeights().map((w) => w.dataSync() as Float32Array);

describe.each(availableFlavours().map((f) => [f]))('MLP trainer on the WASM kernel (%s)', (flavour) => {
  it('follows the TensorFlow.js trainer from the same initial weights: same loss curve, same weights', async () => {
    const { x, y, dim, train } = blobs(300, 12, 4);
    // Two hidden layers (the backward pass through a hidden layer), L2, class weighting, decay, a short last batch.
    const settings: MlpSettings = { ...DEFAULT_MLP, hidden: [24, 16], dropout: 0, l2: 1e-3, learningRate: 5e-3, lrDecay: 0.9, batchSize: 50, epochs: 6, patience: 0, classWeighting: true };
    const kernel = (await Kernel.create({ flavour, threads: 1, startHelper: null }))!;
    const tfBatches: number[] = [];
    const kBatches: number[] = [];
    const reference = await trainMlp(x, dim, y, train, 4, settings, control(null, tfBatches));
    const trained = await trainMlp(x, dim, y, train, 4, settings, control(kernel, kBatches));
    expect(trained.engine).toMatch(/^wasm-kernel/);
    expect(kBatches).toHaveLength(tfBatches.length);
    kBatches.forEach((loss, i) => expect(loss).toBeCloseTo(tfBatches[i], 4));
    trained.history.forEach((h, i) => {
      const r = reference.history[i];
      expect(h.loss).toBeCloseTo(r.loss, 4);
      expect(h.valLoss).toBeCloseTo(r.valLoss, 4);
      // A row on a class boundary may tip either way under float rounding: one row at most.
      expect(Math.abs(h.acc - r.acc)).toBeLessThanOrEqual(1 / train.length + 1e-6);
      expect(Math.abs(h.valAcc - r.valAcc)).toBeLessThanOrEqual(1 / validationSplit(y, train, 0.1, 42).val.length + 1e-6);
    });
    const want = weightsOf(reference);
    weightsOf(trained).forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(want[i][j], 3)));
    // The check can fail: another learning rate gives another curve.
    const other = await trainMlp(x, dim, y, train, 4, { ...settings, learningRate: 1e-2 }, control(kernel));
    expect(other.history[5].loss).not.toBeCloseTo(reference.history[5].loss, 4);
    [reference, trained, other].forEach((t) => t.model.dispose());
    kernel.dispose();
  });

  it('trains a linear classifier (no hidden layer) as TensorFlow.js does', async () => {
    const { x, y, dim, train } = blobs(200, 10, 3);
    const settings: MlpSettings = { ...DEFAULT_MLP, hidden: [], batchSize: 40, epochs: 3, patience: 0 };
    const kernel = (await Kernel.create({ flavour, threads: 1, startHelper: null }))!;
    const reference = await trainMlp(x, dim, y, train, 3, settings, control(null));
    const trained = await trainMlp(x, dim, y, train, 3, settings, control(kernel));
    trained.history.forEach((h, i) => expect(h.valLoss).toBeCloseTo(reference.history[i].valLoss, 4));
    [reference, trained].forEach((t) => t.model.dispose());
    kernel.dispose();
  });

  it('computes the gradients TensorFlow.js computes and finite differences confirm', async () => {
    const { x, y, dim, train } = blobs(40, 6, 3);
    const settings = { ...DEFAULT_MLP, hidden: [9, 5], activation: 'tanh' as const, dropout: 0, l2: 0, batchSize: 40, classWeighting: true };
    const model = buildMlp(dim, 3, settings);
    const initial = model.getWeights().map((w) => w.dataSync() as Float32Array);
    const kernel = (await Kernel.create({ flavour, threads: 1, startHelper: null }))!;
    const net = new KernelNetwork(kernel, { x, dim, labels: y, classes: 3, train, val: [], initialWeights: initial }, settings);
    const rows = train.slice(0, 20);
    net.gradients(rows);
    const got = net.readGradients();

    // TensorFlow.js autograd of the same weighted loss.
    const counts = [0, 0, 0];
    train.forEach((r) => counts[y[r]]++);
    const weight = rows.map((r) => train.length / (3 * counts[y[r]]));
    const xb = tf.tensor2d(rows.flatMap((r) => [...x.subarray(r * dim, (r + 1) * dim)]), [rows.length, dim]);
    const yb = tf.oneHot(tf.tensor1d(rows.map((r) => y[r]), 'int32'), 3).toFloat();
    const { grads } = tf.variableGrads(() => (tf.metrics.categoricalCrossentropy(yb, model.apply(xb, { training: true }) as tf.Tensor).mul(tf.tensor1d(weight)).mean() as tf.Scalar));
    const names = model.trainableWeights.map((w) => w.name);
    names.forEach((name, i) => {
      const want = grads[name].dataSync();
      got[i].forEach((g, j) => expect(g).toBeCloseTo(want[j], 5));
    });

    // Central differences on a few weights of each tensor, in float64 around the float32 loss.
    const lossAt = (weights: Float32Array[]) => {
      net.setWeights(weights);
      return net.gradients(rows).loss;
    };
    for (let t = 0; t < initial.length; t++) {
      for (const j of [0, Math.floor(initial[t].length / 2), initial[t].length - 1]) {
        const h = 1e-2;
        const plus = initial.map((w) => w.slice());
        const minus = initial.map((w) => w.slice());
        plus[t][j] += h;
        minus[t][j] -= h;
        const numeric = (lossAt(plus) - lossAt(minus)) / (2 * h);
        expect(Math.abs(numeric - got[t][j])).toBeLessThan(2e-3 + 0.02 * Math.abs(got[t][j]));
      }
    }
    tf.dispose([xb, yb]);
    model.dispose();
    Object.values(grads).forEach((g) => g.dispose());
    kernel.dispose();
  });

  it('gives bit-identical results for 1, 2 and 3 threads (dropout on)', async () => {
    const { x, y, dim, train } = blobs(400, 40, 7);
    const settings: MlpSettings = { ...DEFAULT_MLP, hidden: [36, 20], dropout: 0.3, batchSize: 64, epochs: 3, patience: 0 };
    const runs = [];
    for (const threads of [1, 2, 3]) {
      const kernel = (await Kernel.create({ flavour, threads, startHelper: null, parallelWork: 0 }))!;
      const batches: number[] = [];
      const trained = await trainMlp(x, dim, y, train, 7, settings, control(kernel, batches));
      runs.push({ batches, history: trained.history, weights: weightsOf(trained), engine: trained.engine });
      trained.model.dispose();
      kernel.dispose();
    }
    expect(runs[1].engine).toMatch(/2 threads/);
    for (const run of runs.slice(1)) {
      expect(run.batches).toEqual(runs[0].batches);
      expect(run.history).toEqual(runs[0].history);
      expect(run.weights).toEqual(runs[0].weights);
    }
  });

  it('gives the same bits when it switches between all threads and one within an epoch', async () => {
    // 54 batches an epoch: each epoch runs batches 1-12 on all threads, 13-24 on one, the rest on the faster.
    const { x, y, dim, train } = blobs(600, 20, 7);
    const settings: MlpSettings = { ...DEFAULT_MLP, hidden: [24], dropout: 0.3, batchSize: 8, epochs: 2, patience: 0 };
    const runs = [];
    for (const threads of [1, 3]) {
      const kernel = (await Kernel.create({ flavour, threads, startHelper: null, parallelWork: 0 }))!;
      const batches: number[] = [];
      const trained = await trainMlp(x, dim, y, train, 7, settings, control(kernel, batches));
      runs.push({ batches, weights: weightsOf(trained) });
      trained.model.dispose();
      kernel.dispose();
    }
    expect(runs[0].batches.length).toBeGreaterThanOrEqual(2 * 4 * WINDOW_BATCHES);
    expect(runs[1].batches).toEqual(runs[0].batches);
    expect(runs[1].weights).toEqual(runs[0].weights);
  });

  it('goes on from an epoch checkpoint to the weights an uninterrupted run reaches', async () => {
    const { x, y, dim, train } = blobs(300, 16, 5);
    const settings: MlpSettings = { ...DEFAULT_MLP, hidden: [20], dropout: 0.3, batchSize: 32, epochs: 4, patience: 0, lrDecay: 0.8 };
    const kernel = (await Kernel.create({ flavour, threads: 1, startHelper: null }))!;
    const checkpoints: KernelCheckpoint[] = [];
    const straight = await trainMlp(x, dim, y, train, 5, settings, { ...control(kernel), onCheckpoint: (c) => checkpoints.push(c) });
    expect(checkpoints.map((c) => c.epoch)).toEqual([1, 2, 3, 4]);
    const resumed = await trainMlp(x, dim, y, train, 5, settings, { ...control(kernel), resume: checkpoints[1] });
    expect(resumed.history).toEqual(straight.history);
    expect(resumed.bestEpoch).toBe(straight.bestEpoch);
    expect(weightsOf(resumed)).toEqual(weightsOf(straight));
    // The check can fail: going on from epoch 2 without its Adam moments gives other weights.
    const broken = { ...checkpoints[1], firstMoments: checkpoints[1].firstMoments.map((m) => m.map(() => 0)) };
    const wrong = await trainMlp(x, dim, y, train, 5, settings, { ...control(kernel), resume: broken });
    expect(weightsOf(wrong)).not.toEqual(weightsOf(straight));
    [straight, resumed, wrong].forEach((t) => t.model.dispose());
    kernel.dispose();
  });

  it('seeds dropout: the same seed gives the same model, another seed another', async () => {
    const { x, y, dim, train } = blobs(200, 10, 3);
    const settings: MlpSettings = { ...DEFAULT_MLP, hidden: [16], dropout: 0.5, batchSize: 32, epochs: 2, patience: 0 };
    const kernel = (await Kernel.create({ flavour, threads: 1, startHelper: null }))!;
    const [a, b, c] = [
      await trainMlp(x, dim, y, train, 3, settings, control(kernel)),
      await trainMlp(x, dim, y, train, 3, settings, control(kernel)),
      await trainMlp(x, dim, y, train, 3, { ...settings, seed: 7 }, control(kernel)),
    ];
    expect(weightsOf(b)).toEqual(weightsOf(a));
    expect(c.history[1].loss).not.toEqual(a.history[1].loss);
    [a, b, c].forEach((t) => t.model.dispose());
    kernel.dispose();
  });
});

it('has a SIMD build this Node runs', () => {
  expect(availableFlavours()).toContain('simd');
  expect(validationSplit([0, 1], [0, 1], 0, 1).train).toHaveLength(2);
});
