import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { argmaxRows } from '../embed/zeroShot';
import { evaluate } from '../lib/metrics';
import { DEFAULT_MLP, predictRows, trainMlp, validationSplit, type MlpSettings } from './mlp';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Three well-separated Gaussian blobs in 8-d, 150 points each; rows 0..359 train, 360.. test. */
function blobs(seed = 1) {
  let state = seed;
  const rand = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 2 - 1;
  const n = 450;
  const dim = 8;
  const x = new Float32Array(n * dim);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let d = 0; d < dim; d++) x[i * dim + d] = (d === y[i] ? 3 : 0) + rand() * 0.8;
  }
  return { x, y, dim, train: Array.from({ length: 360 }, (_, i) => i), test: Array.from({ length: 90 }, (_, i) => 360 + i) };
}

const quick: MlpSettings = { ...DEFAULT_MLP, hidden: [16], epochs: 12, batchSize: 32, patience: 0, learningRate: 0.01 };
const control = () => ({ signal: new AbortController().signal });

describe('MLP', () => {
  it('separates a separable synthetic set almost perfectly', async () => {
    const { x, y, dim, train, test } = blobs();
    const epochs: number[] = [];
    const trained = await trainMlp(x, dim, y, train, 3, quick, { ...control(), onEpoch: (log) => epochs.push(log.valAcc) });
    const predicted = argmaxRows(predictRows(trained.model, x, dim, test), 3);
    expect(evaluate(test.map((i) => y[i]), predicted, 3).accuracy).toBeGreaterThan(0.97);
    expect(epochs).toHaveLength(12);
    trained.model.dispose();
  });

  it('learns nothing from shuffled labels (the check can fail)', async () => {
    const { x, y, dim, train, test } = blobs();
    const noise = Uint8Array.from(y, (_, i) => (i * 7 + (i >> 2)) % 3);
    const trained = await trainMlp(x, dim, noise, train, 3, quick, control());
    const predicted = argmaxRows(predictRows(trained.model, x, dim, test), 3);
    expect(evaluate(test.map((i) => noise[i]), predicted, 3).accuracy).toBeLessThan(0.6);
    trained.model.dispose();
  });

  it('gives the same model for the same seed', async () => {
    const { x, y, dim, train } = blobs();
    const settings = { ...quick, epochs: 3 };
    const a = await trainMlp(x, dim, y, train, 3, settings, control());
    const b = await trainMlp(x, dim, y, train, 3, settings, control());
    const c = await trainMlp(x, dim, y, train, 3, { ...settings, seed: 7 }, control());
    expect(a.history.map((h) => h.loss)).toEqual(b.history.map((h) => h.loss));
    expect(c.history.map((h) => h.loss)).not.toEqual(a.history.map((h) => h.loss));
    [a, b, c].forEach((t) => t.model.dispose());
  });

  it('stops early and keeps the best validation epoch', async () => {
    const { x, y, dim, train } = blobs();
    const trained = await trainMlp(x, dim, y, train, 3, { ...quick, epochs: 60, patience: 2, learningRate: 0.05 }, control());
    expect(trained.stoppedEarly).toBe(true);
    expect(trained.history.length).toBeLessThan(60);
    const best = Math.min(...trained.history.map((h) => h.valLoss));
    expect(trained.history[trained.bestEpoch - 1].valLoss).toBe(best);
    trained.model.dispose();
  });

  it('carves a stratified validation split from training rows only', () => {
    const labels = Array.from({ length: 100 }, (_, i) => (i < 90 ? 0 : 1));
    const rows = Array.from({ length: 80 }, (_, i) => i).concat([90, 91, 92, 93, 94]);
    const { train, val } = validationSplit(labels, rows, 0.2, 1);
    expect(new Set([...train, ...val])).toEqual(new Set(rows));
    expect(val.filter((r) => labels[r] === 1)).toHaveLength(1);
    expect(val.filter((r) => labels[r] === 0)).toHaveLength(16);
  });
});
