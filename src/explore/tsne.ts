/**
 * t-SNE (van der Maaten 2014) for typed arrays: input similarities from the k = 3·perplexity nearest neighbours
 * (all other points when N is small), and repulsion chosen by size: exact below `exactBelow` points, Barnes-Hut on
 * a quadtree below `fftFrom`, else FFT-accelerated interpolation (FIt-SNE, see fftRepulsion.ts), the fastest for
 * large N (its grid costs the same whatever N, so it only pays off from a few thousand points).
 * Everything random is seeded, so the same data and settings give the same map. The optimiser follows
 * scikit-learn's: early exaggeration 12 with momentum 0.5 for the first 250 iterations, then momentum 0.8,
 * delta-bar-delta gains, learning rate "auto" = max(N / 12 / 4, 50) (Belkina et al. 2019).
 *
 * `Tsne` is stepped by its registry entry (projections/tsne.ts) in the one step loop (runProjection.ts), which
 * streams positions to the page between steps.
 */
import { seededRandom } from '../lib/random';
import { FftRepulsion, type ConvolutionHelper } from './fftRepulsion';
import { gaussian, nearestNeighbours, pca, type Neighbours } from './linalg';

/** How the repulsive forces are computed; 'auto' picks by the number of points (exactBelow, fftFrom). */
export type RepulsionMethod = 'auto' | 'exact' | 'barnes-hut' | 'fft';

export interface TsneSettings {
  perplexity: number;
  /** 0 (or less) means "auto" */
  learningRate: number;
  iterations: number;
  seed: number;
  /** Barnes-Hut accuracy: a cell is summarised when its width / distance < theta */
  theta: number;
  earlyExaggeration: number;
  exaggerationIterations: number;
  /** below this many points the exact O(N²) gradient and full similarities are used */
  exactBelow: number;
  /** Barnes-Hut visits points in quadtree order (faster; false only to measure that) */
  treeOrder?: boolean;
  /** 'auto' (the default): exact below exactBelow, Barnes-Hut below fftFrom, FFT interpolation from there */
  repulsion?: RepulsionMethod;
  /** from this many points on, 'auto' repulsion is FFT-accelerated */
  fftFrom?: number;
  /** threads the projection worker may use for attraction and the update: 2 (the default) or 1 — same map */
  threads?: number;
  /** FFT repulsion: grid intervals per unit of the map's extent (openTSNE: 1; more is closer and slower) */
  fftIntervalsPerUnit?: number;
}

export const DEFAULT_TSNE: TsneSettings = {
  perplexity: 30,
  learningRate: 0,
  iterations: 1000,
  seed: 1,
  theta: 0.5,
  earlyExaggeration: 12,
  exaggerationIterations: 250,
  exactBelow: 1000,
  repulsion: 'auto',
  // Measured (CPU seconds, 1,000 iterations, FER2013 faces, one thread): 6,000 points Barnes-Hut 16.5, FFT 24.8;
  // 12,000 points 38.9 and 36.0. The FFT grid's cost follows the map's extent, which is ~120 units already at
  // 6,000 points; with the helper thread the grid convolutions halve, Barnes-Hut's tree walk does not.
  fftFrom: 8000,
};

/** The repulsion `settings` give for n points. */
export function repulsionFor(n: number, settings: Pick<TsneSettings, 'exactBelow' | 'repulsion' | 'fftFrom'>): Exclude<RepulsionMethod, 'auto'> {
  const asked = settings.repulsion ?? 'auto';
  if (asked !== 'auto') return asked;
  if (n < settings.exactBelow) return 'exact';
  return n < (settings.fftFrom ?? DEFAULT_TSNE.fftFrom!) ? 'barnes-hut' : 'fft';
}

/**
 * The largest perplexity N points allow: each point needs at least 3·perplexity neighbours (scikit-learn and
 * openTSNE require N − 1 ≥ 3·perplexity), so 14 centroids allow at most 13 / 3 ≈ 4.3.
 */
export function maxPerplexity(n: number): number {
  return Math.max((n - 1) / 3, 0.5);
}

export function clampPerplexity(perplexity: number, n: number): number {
  if (!(perplexity > 0)) throw new Error(`Perplexity must be positive, not ${perplexity}`);
  return Math.min(perplexity, maxPerplexity(n));
}

/** How many neighbours t-SNE uses per point: all others when exact, else 3·perplexity. */
export function neighbourCount(n: number, settings: Pick<TsneSettings, 'perplexity' | 'exactBelow'>): number {
  return n < settings.exactBelow ? n - 1 : Math.min(n - 1, Math.floor(3 * clampPerplexity(settings.perplexity, n)));
}

export function autoLearningRate(n: number, exaggeration = 12): number {
  return Math.max(n / exaggeration / 4, 50);
}

/** Sparse symmetric joint probabilities P in CSR form; the values sum to 1. */
export interface JointProbabilities {
  n: number;
  rowStart: Int32Array;
  columns: Int32Array;
  values: Float64Array;
}

/**
 * Conditional probabilities p(j|i) ∝ exp(−β_i d²_ij) over each row's neighbours, with β_i found by bisection so
 * the row's perplexity matches; then P = (P + Pᵀ) / sum.
 */
export function jointProbabilities(neighbours: Neighbours, n: number, perplexity: number): JointProbabilities {
  const { k, indices, distances } = neighbours;
  const conditional = new Float64Array(n * k);
  const target = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    const off = i * k;
    let dmin = Infinity;
    for (let j = 0; j < k; j++) dmin = Math.min(dmin, distances[off + j]);
    let beta = 1;
    let lo = -Infinity;
    let hi = Infinity;
    // Distances are shifted by the row's smallest: the entropy does not change, exp() no longer underflows.
    let scale = 0;
    for (let j = 0; j < k; j++) scale = Math.max(scale, distances[off + j] - dmin);
    if (scale > 0) beta = 1 / scale;
    for (let iteration = 0; iteration < 200; iteration++) {
      let sum = 0;
      let weighted = 0;
      for (let j = 0; j < k; j++) {
        const d = distances[off + j] - dmin;
        const p = Math.exp(-d * beta);
        conditional[off + j] = p;
        sum += p;
        weighted += d * p;
      }
      if (sum === 0) sum = 1e-12;
      const entropy = Math.log(sum) + (beta * weighted) / sum;
      for (let j = 0; j < k; j++) conditional[off + j] /= sum;
      const diff = entropy - target;
      if (Math.abs(diff) < 1e-5) break;
      if (diff > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
  }
  // Symmetrise: every (i, j) and (j, i) edge, merged per row.
  const counts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < k; j++) {
      counts[i + 1]++;
      counts[indices[i * k + j] + 1]++;
    }
  for (let i = 0; i < n; i++) counts[i + 1] += counts[i];
  const fill = counts.slice(0, n);
  const cols = new Int32Array(counts[n]);
  const vals = new Float64Array(counts[n]);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < k; j++) {
      const t = indices[i * k + j];
      const p = conditional[i * k + j];
      cols[fill[i]] = t;
      vals[fill[i]++] = p;
      cols[fill[t]] = i;
      vals[fill[t]++] = p;
    }
  // Merge each row's duplicates (i→j found from both ends) in O(nnz): where[c] remembers c's slot in this row.
  const rowStart = new Int32Array(n + 1);
  const outCols = new Int32Array(counts[n]);
  const values = new Float64Array(counts[n]);
  const where = new Int32Array(n).fill(-1);
  let out = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const begin = out;
    for (let e = counts[i]; e < counts[i + 1]; e++) {
      const c = cols[e];
      if (where[c] >= begin) values[where[c]] += vals[e];
      else {
        where[c] = out;
        outCols[out] = c;
        values[out++] = vals[e];
      }
      total += vals[e];
    }
    rowStart[i + 1] = out;
  }
  for (let e = 0; e < out; e++) values[e] /= total || 1;
  return { n, rowStart, columns: outCols.slice(0, out), values: values.slice(0, out) };
}

/** A quadtree over 2-d points, rebuilt every iteration, in flat arrays (no object per node). */
class QuadTree {
  comX = new Float64Array(0);
  comY = new Float64Array(0);
  count = new Float64Array(0);
  width = new Float64Array(0);
  firstChild = new Int32Array(0);
  childCount = new Int32Array(0);
  start = new Int32Array(0);
  end = new Int32Array(0);
  order = new Int32Array(0);
  size = 0;

  private grow(capacity: number) {
    const grown = <T extends Float64Array | Int32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(capacity);
      b.set(a);
      return b;
    };
    this.comX = grown(this.comX);
    this.comY = grown(this.comY);
    this.count = grown(this.count);
    this.width = grown(this.width);
    this.firstChild = grown(this.firstChild);
    this.childCount = grown(this.childCount);
    this.start = grown(this.start);
    this.end = grown(this.end);
  }

  build(y: Float64Array, n: number) {
    if (this.order.length !== n) this.order = Int32Array.from({ length: n }, (_, i) => i);
    if (this.comX.length < 2 * n + 8) this.grow(2 * n + 8);
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      minX = Math.min(minX, y[2 * i]);
      maxX = Math.max(maxX, y[2 * i]);
      minY = Math.min(minY, y[2 * i + 1]);
      maxY = Math.max(maxY, y[2 * i + 1]);
    }
    const side = Math.max(maxX - minX, maxY - minY) * (1 + 1e-9) + 1e-12;
    this.size = 1;
    this.split(y, 0, 0, n, minX, minY, side, 0);
  }

  private partition(y: Float64Array, lo: number, hi: number, axis: number, at: number): number {
    const order = this.order;
    let i = lo;
    let j = hi - 1;
    while (i <= j) {
      if (y[2 * order[i] + axis] < at) i++;
      else {
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
        j--;
      }
    }
    return i;
  }

  private split(y: Float64Array, node: number, lo: number, hi: number, x0: number, y0: number, side: number, depth: number) {
    const order = this.order;
    let sx = 0;
    let sy = 0;
    for (let p = lo; p < hi; p++) {
      sx += y[2 * order[p]];
      sy += y[2 * order[p] + 1];
    }
    const count = hi - lo;
    this.comX[node] = sx / count;
    this.comY[node] = sy / count;
    this.count[node] = count;
    this.width[node] = side;
    this.start[node] = lo;
    this.end[node] = hi;
    if (count <= 1 || depth >= 40) {
      this.firstChild[node] = -1;
      this.childCount[node] = 0;
      return;
    }
    const half = side / 2;
    const midY = this.partition(y, lo, hi, 1, y0 + half);
    const bottomMid = this.partition(y, lo, midY, 0, x0 + half);
    const topMid = this.partition(y, midY, hi, 0, x0 + half);
    // quadrants as [start, end) of order, without allocating per node
    const bounds = [lo, bottomMid, midY, topMid, hi];
    let children = 0;
    for (let q = 0; q < 4; q++) if (bounds[q + 1] > bounds[q]) children++;
    if (this.size + children > this.comX.length) this.grow(this.comX.length * 2);
    const first = this.size;
    this.size += children;
    this.firstChild[node] = first;
    this.childCount[node] = children;
    let c = 0;
    for (let q = 0; q < 4; q++) {
      if (bounds[q + 1] <= bounds[q]) continue;
      this.split(y, first + c++, bounds[q], bounds[q + 1], q & 1 ? x0 + half : x0, q & 2 ? y0 + half : y0, half, depth + 1);
    }
  }
}

/** What attraction and the update need, all in flat arrays (shareable with another thread). */
export interface AttractionState {
  positions: Float64Array;
  /** the positions after this step, written aside until every thread is done reading `positions` */
  next: Float64Array;
  /** on entry the repulsion numerators Σ_j w²(y_i − y_j); on exit the gradient */
  gradient: Float64Array;
  update: Float64Array;
  gains: Float64Array;
  rowStart: Int32Array;
  columns: Int32Array;
  values: Float64Array;
  /** KL(P‖Q) over each half's rows, summed in this fixed order whatever thread computed them */
  kl: Float64Array;
}

export interface StepParams {
  exaggeration: number;
  momentum: number;
  learningRate: number;
  /** the repulsion's normaliser Σ_{i≠j} w_ij */
  z: number;
  withKl: boolean;
}

/**
 * Another thread attracting and moving the points [split, n), and convolving one of the FFT repulsion's two
 * grids: start() / startConvolution() return at once, wait() until it is done.
 */
export interface AttractionHelper extends ConvolutionHelper {
  start(params: StepParams, split: number, n: number): void;
}

/**
 * Attraction, gradient and the optimiser's update (scikit-learn's: momentum, delta-bar-delta gains) for the
 * points [from, to); new positions go to state.next. Each point's arithmetic depends only on shared inputs, so
 * the result is the same whichever thread runs which range.
 */
export function attractAndUpdate(state: AttractionState, from: number, to: number, params: StepParams, half: number): void {
  const { positions: y, next, gradient: grad, update, gains, rowStart, columns, values } = state;
  const { exaggeration, momentum, learningRate: lr, z, withKl } = params;
  let kl = 0;
  for (let i = from; i < to; i++) {
    let ax = 0;
    let ay = 0;
    const xi = y[2 * i];
    const yi = y[2 * i + 1];
    for (let e = rowStart[i]; e < rowStart[i + 1]; e++) {
      const j = columns[e];
      const dx = xi - y[2 * j];
      const dy = yi - y[2 * j + 1];
      const w = 1 / (1 + dx * dx + dy * dy);
      const pw = values[e] * w;
      ax += pw * dx;
      ay += pw * dy;
      if (withKl && values[e] > 0) kl += values[e] * Math.log(values[e] / Math.max(w / z, 1e-300));
    }
    for (let c = 0; c < 2; c++) {
      const d = 2 * i + c;
      const g = 4 * (exaggeration * (c === 0 ? ax : ay) - grad[d] / z);
      grad[d] = g;
      const same = update[d] * g < 0; // the step went downhill: grow the gain
      gains[d] = Math.max(same ? gains[d] + 0.2 : gains[d] * 0.8, 0.01);
      update[d] = momentum * update[d] - lr * gains[d] * g;
      next[d] = y[d] + update[d];
    }
  }
  state.kl[half] = kl;
}

export interface TsneStep {
  iteration: number;
  /** KL(P‖Q) estimated on P's non-zero pairs with the repulsion's normaliser Z (exact when the gradient is) */
  kl: number;
}

export class Tsne {
  readonly n: number;
  readonly perplexity: number;
  readonly learningRate: number;
  /** input similarities over all pairs (small N), not only the nearest neighbours */
  readonly exact: boolean;
  readonly repulsion: Exclude<RepulsionMethod, 'auto'>;
  readonly settings: TsneSettings;
  /** n × 2 positions, updated in place by step() (in shared memory once shareState() was called) */
  positions: Float64Array;
  iteration = 0;
  private readonly p: JointProbabilities;
  private update: Float64Array;
  private gains: Float64Array;
  private gradient: Float64Array;
  private state: AttractionState;
  private readonly split: number;
  private helper?: AttractionHelper;
  private readonly tree = new QuadTree();
  private readonly fft: FftRepulsion;
  private stack = new Int32Array(256);

  /**
   * `data`: n rows of `dim` values. `init`: optional n × 2 starting positions (e.g. PCA), rescaled to a standard
   * deviation of 1e-4 as scikit-learn does; else seeded Gaussian noise of that size.
   */
  constructor(data: ArrayLike<number>, n: number, dim: number, settings: Partial<TsneSettings> = {}, init?: ArrayLike<number>, neighbours?: Neighbours) {
    if (n < 2) throw new Error(`t-SNE needs at least 2 points, got ${n}`);
    const s = { ...DEFAULT_TSNE, ...settings };
    this.settings = s;
    this.n = n;
    this.perplexity = clampPerplexity(s.perplexity, n);
    this.exact = n < s.exactBelow;
    this.repulsion = repulsionFor(n, s);
    this.fft = new FftRepulsion({ intervalsPerUnit: s.fftIntervalsPerUnit });
    this.learningRate = s.learningRate > 0 ? s.learningRate : autoLearningRate(n, s.earlyExaggeration);
    const k = neighbourCount(n, s);
    if (neighbours && neighbours.k !== k) throw new Error(`t-SNE needs ${k} neighbours per point, was given ${neighbours.k}`);
    this.p = jointProbabilities(neighbours ?? nearestNeighbours(data, n, dim, k, s.seed), n, this.perplexity);
    this.positions = new Float64Array(2 * n);
    if (init) {
      let mean0 = 0;
      let mean1 = 0;
      for (let i = 0; i < n; i++) {
        mean0 += init[2 * i];
        mean1 += init[2 * i + 1];
      }
      mean0 /= n;
      mean1 /= n;
      let sd = 0;
      for (let i = 0; i < n; i++) sd += (init[2 * i] - mean0) ** 2;
      sd = Math.sqrt(sd / n) || 1;
      for (let i = 0; i < n; i++) {
        this.positions[2 * i] = ((init[2 * i] - mean0) / sd) * 1e-4;
        this.positions[2 * i + 1] = ((init[2 * i + 1] - mean1) / sd) * 1e-4;
      }
    } else {
      const random = gaussian(seededRandom(s.seed));
      for (let i = 0; i < 2 * n; i++) this.positions[i] = random() * 1e-4;
    }
    this.update = new Float64Array(2 * n);
    this.gains = new Float64Array(2 * n).fill(1);
    this.gradient = new Float64Array(2 * n);
    this.state = {
      positions: this.positions,
      next: new Float64Array(2 * n),
      gradient: this.gradient,
      update: this.update,
      gains: this.gains,
      rowStart: this.p.rowStart,
      columns: this.p.columns,
      values: this.p.values,
      kl: new Float64Array(2),
    };
    // The two halves hold about as many of P's entries each (the attraction's cost).
    const half = this.p.rowStart[n] / 2;
    let split = 0;
    while (split < n && this.p.rowStart[split + 1] <= half) split++;
    this.split = split;
  }

  /**
   * The arrays attraction and the update work on, for a helper thread: copied into SharedArrayBuffers (the
   * positions too, which this.positions then views), so that from now on both threads see the same memory.
   */
  shareState(): AttractionState {
    const shared = <T extends Float64Array | Int32Array>(a: T): T => {
      const b = new (a.constructor as new (buffer: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
      b.set(a);
      return b;
    };
    const s = this.state;
    this.state = {
      positions: shared(s.positions),
      next: shared(s.next),
      gradient: shared(s.gradient),
      update: shared(s.update),
      gains: shared(s.gains),
      rowStart: shared(s.rowStart),
      columns: shared(s.columns),
      values: shared(s.values),
      kl: shared(s.kl),
    };
    this.positions = this.state.positions;
    this.fft.useSharedMemory();
    this.gradient = this.state.gradient;
    this.update = this.state.update;
    this.gains = this.state.gains;
    return this.state;
  }

  /** From the next step on, the points from `split` on are attracted and moved by `helper` (another thread). */
  useHelper(helper: AttractionHelper | undefined): void {
    this.helper = helper;
  }

  /** Where the points divide between this thread and a helper. */
  get splitAt(): number {
    return this.split;
  }

  get done(): boolean {
    return this.iteration >= this.settings.iterations;
  }

  /** One gradient-descent iteration; returns the KL estimate when `withKl` (it costs one pass over P). */
  step(withKl = false): TsneStep {
    const s = this.settings;
    const early = this.iteration < s.exaggerationIterations;
    if (this.iteration === s.exaggerationIterations) {
      // scikit-learn restarts its optimiser state when exaggeration ends.
      this.update.fill(0);
      this.gains.fill(1);
    }
    const exaggeration = early ? s.earlyExaggeration : 1;
    const momentum = early ? 0.5 : 0.8;
    const y = this.positions;
    const grad = this.gradient;
    const z =
      this.repulsion === 'exact' ? this.exactRepulsion() : this.repulsion === 'fft' ? this.fft.compute(y, this.n, grad, this.helper) : this.barnesHutRepulsion();
    // grad holds Σ_j w²(y_i − y_j); attraction and the update, half of the points by the helper if there is one
    // (each point by one thread, in the same order: the map does not depend on the number of threads).
    const step: StepParams = { exaggeration, momentum, learningRate: this.learningRate, z, withKl };
    const state = this.state;
    const split = this.split;
    this.helper?.start(step, split, this.n);
    attractAndUpdate(state, 0, split, step, 0);
    if (this.helper) this.helper.wait();
    else attractAndUpdate(state, split, this.n, step, 1);
    // the new positions were written aside, so that no thread read a position another had already moved
    y.set(state.next);
    const kl = withKl ? state.kl[0] + state.kl[1] : NaN;
    this.iteration++;
    return { iteration: this.iteration, kl };
  }

  /** Σ_j w_ij²(y_i − y_j) into this.gradient for every i, exactly; returns Z = Σ_{i≠j} w_ij. */
  private exactRepulsion(): number {
    const y = this.positions;
    const grad = this.gradient;
    grad.fill(0);
    let z = 0;
    for (let i = 0; i < this.n; i++) {
      const xi = y[2 * i];
      const yi = y[2 * i + 1];
      for (let j = i + 1; j < this.n; j++) {
        const dx = xi - y[2 * j];
        const dy = yi - y[2 * j + 1];
        const w = 1 / (1 + dx * dx + dy * dy);
        z += 2 * w;
        const w2 = w * w;
        grad[2 * i] += w2 * dx;
        grad[2 * i + 1] += w2 * dy;
        grad[2 * j] -= w2 * dx;
        grad[2 * j + 1] -= w2 * dy;
      }
    }
    return z;
  }

  /** The same sums by Barnes-Hut: a far cell counts as its centre of mass. */
  private barnesHutRepulsion(): number {
    const y = this.positions;
    const grad = this.gradient;
    const tree = this.tree;
    tree.build(y, this.n);
    const theta2 = this.settings.theta ** 2;
    const { comX, comY, count, width, firstChild, childCount, start, end, order } = tree;
    let stack = this.stack;
    let z = 0;
    // Points in tree order: neighbours in turn walk the same cells, which stay in cache.
    const byTree = this.settings.treeOrder ?? true;
    for (let t = 0; t < this.n; t++) {
      const i = byTree ? order[t] : t;
      const xi = y[2 * i];
      const yi = y[2 * i + 1];
      let fx = 0;
      let fy = 0;
      let top = 0;
      stack[top++] = 0;
      while (top > 0) {
        const node = stack[--top];
        const first = firstChild[node];
        if (first < 0) {
          for (let p = start[node]; p < end[node]; p++) {
            const j = order[p];
            if (j === i) continue;
            const dx = xi - y[2 * j];
            const dy = yi - y[2 * j + 1];
            const w = 1 / (1 + dx * dx + dy * dy);
            z += w;
            fx += w * w * dx;
            fy += w * w * dy;
          }
          continue;
        }
        const dx = xi - comX[node];
        const dy = yi - comY[node];
        const d2 = dx * dx + dy * dy;
        if (width[node] * width[node] < theta2 * d2) {
          const w = 1 / (1 + d2);
          const c = count[node];
          z += c * w;
          fx += c * w * w * dx;
          fy += c * w * w * dy;
        } else {
          const children = childCount[node];
          if (top + children > stack.length) {
            const grown = new Int32Array(stack.length * 2);
            grown.set(stack);
            stack = this.stack = grown;
          }
          for (let c = 0; c < children; c++) stack[top++] = first + c;
        }
      }
      grad[2 * i] = fx;
      grad[2 * i + 1] = fy;
    }
    return z;
  }
}

/** PCA to 2-d as starting positions (the scikit-learn default since 1.2: better global layout than noise). */
export function pcaInit(data: ArrayLike<number>, n: number, dim: number, seed: number): Float32Array {
  const { projected, components } = pca(data, n, dim, 2, seed);
  if (components === 2) return projected;
  return Float32Array.from({ length: 2 * n }, (_, t) => (t % 2 === 0 ? projected[t >> 1] : 0));
}

/**
 * Share of each point's `k` nearest neighbours in the original space that are also among its `k` nearest in the
 * map (the quality figure the benchmark reports), over `sample` points (all when omitted).
 */
export function neighbourhoodPreservation(
  data: ArrayLike<number>,
  dim: number,
  map: ArrayLike<number>,
  n: number,
  k = 10,
  sample?: Int32Array,
): number {
  const rows = sample ?? Int32Array.from({ length: n }, (_, i) => i);
  const high = nearestNeighbours(data, n, dim, k, 7);
  const low = nearestNeighbours(map, n, 2, k, 7);
  let kept = 0;
  for (const i of rows) {
    const set = new Set(high.indices.subarray(i * high.k, (i + 1) * high.k));
    for (const j of low.indices.subarray(i * low.k, (i + 1) * low.k)) if (set.has(j)) kept++;
  }
  return kept / (rows.length * Math.min(k, n - 1));
}
