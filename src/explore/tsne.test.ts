import { describe, expect, it } from 'vitest';
import { seededRandom } from '../lib/random';
import { Fft } from './fft';
import { convolveGrid, type GridJob } from './fftRepulsion';
import { approximateNeighbours, bruteNeighbours, gaussian, nearestNeighbours, pca } from './linalg';
import { attractAndUpdate, clampPerplexity, jointProbabilities, neighbourhoodPreservation, repulsionFor, Tsne, type AttractionHelper, type AttractionState, type StepParams } from './tsne';

/** `clusters` Gaussian blobs of `per` points in `dim` dimensions, centres `spread` apart on random axes. */
function blobs(clusters: number, per: number, dim: number, spread: number, seed = 3) {
  const random = gaussian(seededRandom(seed));
  const n = clusters * per;
  const data = new Float32Array(n * dim);
  const labels = new Uint8Array(n);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dim }, () => random() * spread));
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    labels[i] = c;
    for (let d = 0; d < dim; d++) data[i * dim + d] = centres[c][d] + random();
  }
  return { data, labels, n, dim };
}

/** Share of points whose nearest map neighbour has their label. */
function nearestLabelAgreement(positions: ArrayLike<number>, labels: Uint8Array, n: number): number {
  const nn = bruteNeighbours(positions, n, 2, 1);
  let same = 0;
  for (let i = 0; i < n; i++) if (labels[nn.indices[i]] === labels[i]) same++;
  return same / n;
}

/** Smallest distance between points of different labels over the largest within-label distance to a centroid. */
function separation(positions: ArrayLike<number>, labels: Uint8Array, n: number, clusters: number): number {
  const cx = new Float64Array(clusters);
  const cy = new Float64Array(clusters);
  const count = new Float64Array(clusters);
  for (let i = 0; i < n; i++) {
    cx[labels[i]] += positions[2 * i];
    cy[labels[i]] += positions[2 * i + 1];
    count[labels[i]]++;
  }
  for (let c = 0; c < clusters; c++) {
    cx[c] /= count[c];
    cy[c] /= count[c];
  }
  let radius = 0;
  for (let i = 0; i < n; i++) radius = Math.max(radius, Math.hypot(positions[2 * i] - cx[labels[i]], positions[2 * i + 1] - cy[labels[i]]));
  let gap = Infinity;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++)
      if (labels[i] !== labels[j]) gap = Math.min(gap, Math.hypot(positions[2 * i] - positions[2 * j], positions[2 * i + 1] - positions[2 * j + 1]));
  return gap / radius;
}

function run(t: Tsne) {
  while (!t.done) t.step();
  return t.positions;
}

describe('perplexity', () => {
  it('is clamped to what the point count allows', () => {
    expect(clampPerplexity(30, 10_000)).toBe(30);
    expect(clampPerplexity(30, 14)).toBeCloseTo(13 / 3);
    expect(clampPerplexity(30, 14)).toBeLessThan(4.5);
    expect(clampPerplexity(2, 14)).toBe(2);
    expect(() => clampPerplexity(0, 100)).toThrow(/positive/);
  });

  it('each row of P reaches the asked perplexity', () => {
    const { data, n, dim } = blobs(2, 40, 5, 4);
    const nb = bruteNeighbours(data, n, dim, 30);
    const p = jointProbabilities(nb, n, 10);
    let total = 0;
    for (const v of p.values) total += v;
    expect(total).toBeCloseTo(1, 6);
    // symmetric
    const at = (i: number, j: number) => {
      for (let e = p.rowStart[i]; e < p.rowStart[i + 1]; e++) if (p.columns[e] === j) return p.values[e];
      return 0;
    };
    expect(at(3, nb.indices[3 * 30])).toBeCloseTo(at(nb.indices[3 * 30], 3), 12);
  });
});

describe('nearest neighbours', () => {
  it('the vantage-point tree finds exactly what brute force finds', () => {
    const { data, n, dim } = blobs(4, 50, 8, 3);
    const tree = nearestNeighbours(data, n, dim, 7);
    const brute = bruteNeighbours(data, n, dim, 7);
    for (let i = 0; i < n * 7; i++) expect(tree.distances[i]).toBeCloseTo(brute.distances[i], 4);
  });
});

describe('approximate nearest neighbours', () => {
  it('find most of the exact neighbours (recall above 85% on hard 20-d Gaussian blobs), more than without refinement', () => {
    const { data, n, dim } = blobs(6, 400, 20, 2);
    const k = 15;
    const exact = bruteNeighbours(data, n, dim, k);
    const recall = (found: { indices: Int32Array }) => {
      let hit = 0;
      for (let i = 0; i < n; i++) {
        const truth = new Set(exact.indices.subarray(i * k, (i + 1) * k));
        for (const j of found.indices.subarray(i * k, (i + 1) * k)) if (truth.has(j)) hit++;
      }
      return hit / (n * k);
    };
    const refined = recall(approximateNeighbours(data, n, dim, k, 1, { trees: 3, leafSize: 40 }));
    const rough = recall(approximateNeighbours(data, n, dim, k, 1, { trees: 3, leafSize: 40, refinements: 0 }));
    expect(refined).toBeGreaterThan(0.85);
    expect(rough).toBeLessThan(refined);
  });
});

describe('pca', () => {
  it('finds the axis of largest variance first, in high dimension too', () => {
    const random = gaussian(seededRandom(5));
    const n = 300;
    const dim = 80;
    const data = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const t = random();
      for (let d = 0; d < dim; d++) data[i * dim + d] = 0.05 * random();
      data[i * dim + 17] += 5 * t; // the dominant direction
      data[i * dim + 40] += 2 * random(); // the second
    }
    const result = pca(data, n, dim, 2);
    expect(result.variances[0]).toBeGreaterThan(15);
    expect(result.variances[1]).toBeGreaterThan(2.5);
    expect(result.variances[1]).toBeLessThan(6);
    expect(result.explained).toBeGreaterThan(0.9);
  });

  // Fewer independent directions than the search block (7 centroids in 512-d, or embeddings of low rank) left
  // noise columns that Gram-Schmidt did not make orthogonal: "PCA-50 first (112.6% of the variance)".
  it.each([
    ['7 points in 512-d', 7, 512, 0],
    ['385 points of rank 3 in 512-d', 385, 512, 3],
    ['385 points of rank 30 in 512-d', 385, 512, 30],
  ])('never explains more than all of the variance: %s', (_, n, dim, rank) => {
    const random = gaussian(seededRandom(11));
    const data = new Float32Array(n * dim);
    const basis = Array.from({ length: rank }, () => Float64Array.from({ length: dim }, () => random()));
    for (let i = 0; i < n; i++) {
      if (rank === 0) for (let d = 0; d < dim; d++) data[i * dim + d] = random();
      else
        for (const [r, axis] of basis.entries()) {
          const weight = random() * (r + 1);
          for (let d = 0; d < dim; d++) data[i * dim + d] += weight * axis[d];
        }
    }
    const result = pca(data, n, dim, 50);
    expect(result.explained).toBeLessThanOrEqual(1);
    // as many axes as there are directions keep all of it
    expect(result.explained).toBeGreaterThan(0.999);
    const total = result.variances.reduce((a, b) => a + b, 0);
    expect(result.variances.every((v) => v >= -1e-9 * total)).toBe(true);
  });
});

describe('t-SNE', () => {
  it('keeps well separated clusters apart (exact gradient)', () => {
    const { data, labels, n, dim } = blobs(3, 50, 10, 6);
    const positions = run(new Tsne(data, n, dim, { perplexity: 15, iterations: 500, seed: 1 }));
    expect(nearestLabelAgreement(positions, labels, n)).toBeGreaterThan(0.97);
    expect(separation(positions, labels, n, 3)).toBeGreaterThan(0.5);
  });

  it('keeps clusters apart with Barnes-Hut too, and preserves neighbourhoods better than chance', () => {
    const { data, labels, n, dim } = blobs(4, 150, 10, 6);
    const t = new Tsne(data, n, dim, { perplexity: 30, iterations: 400, seed: 2, exactBelow: 100 });
    expect(t.exact).toBe(false);
    const positions = run(t);
    expect(nearestLabelAgreement(positions, labels, n)).toBeGreaterThan(0.97);
    expect(separation(positions, labels, n, 4)).toBeGreaterThan(0.5);
    expect(neighbourhoodPreservation(data, dim, positions, n, 10)).toBeGreaterThan(0.2);
  });

  it('the check fails on data without clusters (it measures something)', () => {
    const random = seededRandom(9);
    const n = 150;
    const data = Float32Array.from({ length: n * 10 }, () => random());
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 3);
    const positions = run(new Tsne(data, n, 10, { perplexity: 15, iterations: 300, seed: 1 }));
    expect(nearestLabelAgreement(positions, labels, n)).toBeLessThan(0.6);
  });

  it('the same seed gives the same map, another seed another one', () => {
    const { data, n, dim } = blobs(3, 30, 6, 5);
    const a = run(new Tsne(data, n, dim, { perplexity: 10, iterations: 120, seed: 4 }));
    const b = run(new Tsne(data, n, dim, { perplexity: 10, iterations: 120, seed: 4 }));
    const c = run(new Tsne(data, n, dim, { perplexity: 10, iterations: 120, seed: 5 }));
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });

  it('runs on 14 points (the centroid view) with the perplexity clamped', () => {
    const { data, n, dim } = blobs(2, 7, 6, 5);
    const t = new Tsne(data, n, dim, { perplexity: 30, iterations: 300 });
    expect(t.perplexity).toBeLessThan(4.5);
    const positions = run(t);
    expect(positions.every(Number.isFinite)).toBe(true);
  });

  it('reports a decreasing KL divergence', () => {
    const { data, n, dim } = blobs(3, 40, 8, 5);
    const t = new Tsne(data, n, dim, { perplexity: 15, iterations: 400 });
    t.step();
    const early = t.step(true).kl;
    while (t.iteration < 399) t.step();
    const late = t.step(true).kl;
    expect(late).toBeLessThan(early);
    expect(late).toBeGreaterThan(0);
  });

  it('keeps clusters apart with FFT-accelerated repulsion, as well as Barnes-Hut does', () => {
    const { data, labels, n, dim } = blobs(4, 150, 10, 6);
    const settings = { perplexity: 30, iterations: 400, seed: 2, exactBelow: 100 };
    const fft = new Tsne(data, n, dim, { ...settings, repulsion: 'fft' });
    expect(fft.repulsion).toBe('fft');
    const positions = run(fft);
    expect(nearestLabelAgreement(positions, labels, n)).toBeGreaterThan(0.97);
    expect(separation(positions, labels, n, 4)).toBeGreaterThan(0.5);
    const kept = neighbourhoodPreservation(data, dim, positions, n, 10);
    const keptBarnesHut = neighbourhoodPreservation(data, dim, run(new Tsne(data, n, dim, { ...settings, repulsion: 'barnes-hut' })), n, 10);
    expect(kept).toBeGreaterThan(keptBarnesHut - 0.02);
  });

  it("picks the repulsion by size when asked for 'auto'", () => {
    const settings = { exactBelow: 1000, fftFrom: 5000 };
    expect(repulsionFor(999, settings)).toBe('exact');
    expect(repulsionFor(1000, settings)).toBe('barnes-hut');
    expect(repulsionFor(5000, settings)).toBe('fft');
    expect(repulsionFor(50, { ...settings, repulsion: 'fft' })).toBe('fft');
  });

  it('gives the same map bit for bit when a helper moves half of the points and convolves one grid', () => {
    const { data, n, dim } = blobs(3, 60, 6, 5);
    const settings = { perplexity: 10, iterations: 60, seed: 4, exactBelow: 50, exaggerationIterations: 30, repulsion: 'fft' as const };
    const alone = new Tsne(data, n, dim, settings);
    const shared = new Tsne(data, n, dim, settings);
    /** Runs the helper's jobs when waited for (after this thread's share), as late as a slow thread would. */
    class LateHelper implements AttractionHelper {
      job?: () => void;
      convolutions = 0;
      constructor(private readonly state: AttractionState) {}
      start(params: StepParams, split: number, size: number) {
        this.job = () => attractAndUpdate(this.state, split, size, params, 1);
      }
      startConvolution(grid: GridJob) {
        this.convolutions++;
        this.job = () => convolveGrid(new Fft(grid.size), grid);
      }
      wait() {
        this.job?.();
      }
    }
    const helper = new LateHelper(shared.shareState());
    shared.useHelper(helper);
    expect(shared.splitAt).toBeGreaterThan(n / 4);
    expect(shared.splitAt).toBeLessThan((3 * n) / 4);
    let klAlone = 0;
    let klShared = 0;
    while (!alone.done) {
      klAlone = alone.step(true).kl;
      klShared = shared.step(true).kl;
    }
    expect(shared.positions.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(shared.positions)).toEqual(Array.from(alone.positions));
    expect(klShared).toBe(klAlone);
    expect(helper.convolutions).toBe(60);
  });
});
