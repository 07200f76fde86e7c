import { describe, expect, it } from 'vitest';
import { accuracyBySize, binFeatures, DEFAULT_FOREST, predictForest, sizeCheckpoints, trainForest, treeDepths, type ForestSettings } from './forest';
import { seededRandom } from '../lib/random';

const CLASSES = 3;

/** n rows of `dim` noise features; the class is set by feature 3 (three bands), or random when `shuffle`. */
function synthetic(n: number, dim: number, seed: number, shuffle = false) {
  const random = seededRandom(seed);
  const x = new Float32Array(n * dim);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < dim; f++) x[i * dim + f] = random();
    const v = x[i * dim + 3];
    labels[i] = shuffle ? Math.floor(random() * CLASSES) : v < 1 / 3 ? 0 : v < 2 / 3 ? 1 : 2;
  }
  return { x, labels };
}

const argmax = (p: Float32Array, j: number, k: number) => {
  let best = 0;
  for (let c = 1; c < k; c++) if (p[j * k + c] > p[j * k + best]) best = c;
  return best;
};

function accuracy(p: Float32Array, labels: Uint8Array, rows: number[]) {
  return rows.filter((r, j) => argmax(p, j, CLASSES) === labels[r]).length / rows.length;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const settings: ForestSettings = { ...DEFAULT_FOREST, trees: 20, seed: 7 };

describe('binFeatures', () => {
  it('puts a value in the first bin whose upper edge is at least the value', () => {
    const x = Float32Array.from([0, 1, 2, 3, 0, 1, 2, 3]);
    const binned = binFeatures(x, 1, range(0, 8), 4, seededRandom(1));
    expect(Array.from(binned.edges.subarray(0, binned.edgeCounts[0]))).toEqual([0.5, 1.5, 2.5]);
    expect(Array.from(binned.codes)).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
  });

  it('codes every value as the first edge at or above it, also for rows outside the sample, skewed features and NaN', () => {
    const random = seededRandom(3);
    const n = 3000;
    const dim = 3;
    const x = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      x[i * dim] = random() ** 6; // skewed: most values near 0
      x[i * dim + 1] = Math.round(random() * 255) / 255; // raw-pixel-like levels
      x[i * dim + 2] = i % 97 === 0 ? NaN : (random() - 0.5) * 1e4;
    }
    const binned = binFeatures(x, dim, range(0, n), 32, seededRandom(4), 500);
    for (let f = 0; f < dim; f++) {
      const edges = Array.from(binned.edges.subarray(f * 31, f * 31 + binned.edgeCounts[f]));
      for (let i = 0; i < n; i++) {
        const v = x[i * dim + f];
        const expected = Number.isNaN(v) ? edges.length : edges.findIndex((e) => v <= e) === -1 ? edges.length : edges.findIndex((e) => v <= e);
        expect(binned.codes[f * n + i]).toBe(expected);
      }
    }
  });

  it('uses quantile edges when a feature has more distinct values than bins', () => {
    const x = Float32Array.from(range(0, 1000));
    const binned = binFeatures(x, 1, range(0, 1000), 10, seededRandom(1));
    expect(binned.edgeCounts[0]).toBe(9);
    const perBin = new Array(10).fill(0);
    for (const code of binned.codes) perBin[code]++;
    for (const count of perBin) expect(count).toBeGreaterThan(90);
  });
});

describe('random forest', () => {
  it('learns a separable problem almost perfectly on unseen rows', async () => {
    const { x, labels } = synthetic(1200, 16, 1);
    const trained = await trainForest(x, 16, labels, range(0, 800), CLASSES, settings);
    const test = range(800, 1200);
    expect(accuracy(predictForest(trained.forest, x, 16, test), labels, test)).toBeGreaterThan(0.97);
    expect(trained.oobAccuracy).toBeGreaterThan(0.95);
  });

  it('stays at chance on shuffled labels, though it fits the training rows, and its out-of-bag estimate says so', async () => {
    const { x, labels } = synthetic(1200, 16, 2, true);
    const train = range(0, 800);
    const trained = await trainForest(x, 16, labels, train, CLASSES, settings);
    const test = range(800, 1200);
    const testAccuracy = accuracy(predictForest(trained.forest, x, 16, test), labels, test);
    expect(testAccuracy).toBeGreaterThan(0.25);
    expect(testAccuracy).toBeLessThan(0.42);
    expect(accuracy(predictForest(trained.forest, x, 16, train), labels, train)).toBeGreaterThan(0.9);
    expect(trained.oobAccuracy).toBeGreaterThan(0.25);
    expect(trained.oobAccuracy).toBeLessThan(0.42);
    // About (1 - 1/n)^n ≈ 37% of rows are out of bag per tree; with 20 trees nearly every row is out of some.
    expect(trained.oobCount).toBeGreaterThan(790);
  });

  it('gives the same forest for the same seed, and another for another seed', async () => {
    const { x, labels } = synthetic(400, 8, 3);
    const a = await trainForest(x, 8, labels, range(0, 400), CLASSES, settings);
    const b = await trainForest(x, 8, labels, range(0, 400), CLASSES, settings);
    const c = await trainForest(x, 8, labels, range(0, 400), CLASSES, { ...settings, seed: 8 });
    expect(b.forest).toEqual(a.forest);
    expect(c.forest.threshold).not.toEqual(a.forest.threshold);
  });

  it('scores smaller forests: the full size matches predictForest, and more trees do not do worse on separable data', async () => {
    expect(sizeCheckpoints(20)).toEqual([1, 2, 5, 10, 20]);
    expect(sizeCheckpoints(10_000)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000]);
    const { x, labels } = synthetic(1000, 16, 9);
    const { forest } = await trainForest(x, 16, labels, range(0, 600), CLASSES, settings);
    const test = range(600, 1000);
    const bySize = accuracyBySize(forest, x, 16, test, test.map((r) => labels[r]), sizeCheckpoints(20));
    expect(bySize.map((s) => s.trees)).toEqual([1, 2, 5, 10, 20]);
    expect(bySize.at(-1)!.accuracy).toBe(accuracy(predictForest(forest, x, 16, test), labels, test));
    expect(bySize.at(-1)!.accuracy).toBeGreaterThanOrEqual(bySize[0].accuracy);
    // Noisy labels make near-ties between classes common: the full size still agrees exactly.
    const noisy = synthetic(1000, 16, 10, true);
    const noisyForest = (await trainForest(noisy.x, 16, noisy.labels, range(0, 600), CLASSES, { ...settings, trees: 13 })).forest;
    const noisyBySize = accuracyBySize(noisyForest, noisy.x, 16, test, test.map((r) => noisy.labels[r]), sizeCheckpoints(13));
    expect(noisyBySize.at(-1)!.accuracy).toBe(accuracy(predictForest(noisyForest, noisy.x, 16, test), noisy.labels, test));
  });

  it('predicts probabilities that sum to one per row', async () => {
    const { x, labels } = synthetic(300, 8, 4);
    const { forest } = await trainForest(x, 8, labels, range(0, 300), CLASSES, { ...settings, trees: 5 });
    const p = predictForest(forest, x, 8, range(0, 50));
    for (let j = 0; j < 50; j++) expect(p[j * 3] + p[j * 3 + 1] + p[j * 3 + 2]).toBeCloseTo(1, 5);
  });

  it('respects max depth and min samples per leaf', async () => {
    const { x, labels } = synthetic(500, 8, 5, true);
    const shallow = await trainForest(x, 8, labels, range(0, 500), CLASSES, { ...settings, trees: 3, maxDepth: 3 });
    expect(Math.max(...treeDepths(shallow.forest))).toBeLessThanOrEqual(3);
    const { forest } = await trainForest(x, 8, labels, range(0, 500), CLASSES, { ...settings, trees: 1, minLeaf: 20, bootstrap: false });
    // Without bootstrap every training row is in the tree once: count the rows that reach each leaf.
    const reached = new Map<number, number>();
    for (let i = 0; i < 500; i++) {
      let node = 0;
      while (forest.feature[node] >= 0) node = x[i * 8 + forest.feature[node]] <= forest.threshold[node] ? forest.child[node] : forest.child[node] + 1;
      reached.set(node, (reached.get(node) ?? 0) + 1);
    }
    expect(reached.size).toBeGreaterThan(3);
    expect(Math.min(...reached.values())).toBeGreaterThanOrEqual(20);
  });

  it('stops when cancelled and returns nothing', async () => {
    const { x, labels } = synthetic(300, 8, 6);
    const controller = new AbortController();
    const run = trainForest(x, 8, labels, range(0, 300), CLASSES, { ...settings, trees: 50 }, { signal: controller.signal, onTree: (done) => done === 2 && controller.abort() });
    await expect(run).rejects.toThrow(/cancel/i);
  });

  it('names bad settings', async () => {
    const { x, labels } = synthetic(10, 4, 7);
    await expect(trainForest(x, 4, labels, range(0, 10), CLASSES, { ...settings, trees: 0, bins: 300 })).rejects.toThrow(/tree count.*bins/);
  });
});
