/**
 * The small linear algebra the projections need, on rows of flat typed arrays: a seeded random source, PCA (by
 * subspace iteration on the covariance, with a Jacobi eigensolver for the small Rayleigh-Ritz step) and
 * exact k-nearest neighbours with a vantage-point tree.
 */

import { seededRandom } from '../lib/random';

/** Standard normal draws from a uniform source (Box-Muller). */
export function gaussian(random: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = Math.max(random(), 1e-12);
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** Eigen-decomposition of a small symmetric matrix (row-major m×m) by cyclic Jacobi; eigenvalues descending. */
export function symmetricEigen(matrix: Float64Array, m: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(m * m);
  for (let i = 0; i < m; i++) v[i * m + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < m; p++) for (let q = p + 1; q < m; q++) off += a[p * m + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < m; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = a[p * m + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * m + q] - a[p * m + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < m; k++) {
          const akp = a[k * m + p];
          const akq = a[k * m + q];
          a[k * m + p] = c * akp - s * akq;
          a[k * m + q] = s * akp + c * akq;
        }
        for (let k = 0; k < m; k++) {
          const apk = a[p * m + k];
          const aqk = a[q * m + k];
          a[p * m + k] = c * apk - s * aqk;
          a[q * m + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < m; k++) {
          const vkp = v[k * m + p];
          const vkq = v[k * m + q];
          v[k * m + p] = c * vkp - s * vkq;
          v[k * m + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: m }, (_, i) => i).sort((x, y) => a[y * m + y] - a[x * m + x]);
  const values = Float64Array.from(order, (i) => a[i * m + i]);
  const vectors = new Float64Array(m * m); // column j = eigenvector j
  order.forEach((src, j) => {
    for (let k = 0; k < m; k++) vectors[k * m + j] = v[k * m + src];
  });
  return { values, vectors };
}

/**
 * Orthonormalizes the columns of a d×k row-major matrix in place (modified Gram-Schmidt, each column twice: one
 * pass leaves a column that was nearly in the span of the previous ones far from orthogonal to them). A column
 * with (numerically) nothing left outside that span, as when the data have fewer directions than columns, becomes
 * zero: normalizing its rounding noise would count variance twice.
 */
function orthonormalizeColumns(q: Float64Array, d: number, k: number): void {
  for (let j = 0; j < k; j++) {
    let before = 0;
    for (let r = 0; r < d; r++) before += q[r * k + j] ** 2;
    for (let pass = 0; pass < 2; pass++) {
      for (let prev = 0; prev < j; prev++) {
        let dot = 0;
        for (let r = 0; r < d; r++) dot += q[r * k + j] * q[r * k + prev];
        for (let r = 0; r < d; r++) q[r * k + j] -= dot * q[r * k + prev];
      }
    }
    let norm = 0;
    for (let r = 0; r < d; r++) norm += q[r * k + j] ** 2;
    const scale = norm > 1e-20 * before && norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let r = 0; r < d; r++) q[r * k + j] *= scale;
  }
}

export interface PcaResult {
  /** n × components, the centred data projected on the principal axes */
  projected: Float32Array;
  components: number;
  /** variance along each axis */
  variances: Float64Array;
  /** share of the total variance the kept axes explain */
  explained: number;
}

/**
 * PCA of n rows of `dim` values to `components` axes. The covariance (dim × dim) is formed once; its top
 * eigenvectors come from seeded subspace iteration, refined by a Rayleigh-Ritz step, so the axes are ordered and
 * the same data gives the same axes (signs fixed so each axis' largest loading is positive).
 */
export function pca(data: ArrayLike<number>, n: number, dim: number, components: number, seed = 1): PcaResult {
  const k = Math.min(components, dim, Math.max(n - 1, 1));
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let c = 0; c < dim; c++) mean[c] += data[i * dim + c];
  for (let c = 0; c < dim; c++) mean[c] /= n || 1;
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < dim; c++) row[c] = data[i * dim + c] - mean[c];
    for (let a = 0; a < dim; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      const base = a * dim;
      for (let b = a; b < dim; b++) cov[base + b] += ra * row[b];
    }
  }
  let total = 0;
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) cov[b * dim + a] = cov[a * dim + b] /= Math.max(n - 1, 1);
    total += cov[a * dim + a];
  }
  let axes: Float64Array; // dim × k
  let variances: Float64Array;
  if (dim <= 64) {
    const { values, vectors } = symmetricEigen(cov, dim);
    axes = new Float64Array(dim * k);
    for (let r = 0; r < dim; r++) for (let j = 0; j < k; j++) axes[r * k + j] = vectors[r * dim + j];
    variances = values.slice(0, k);
  } else {
    const block = Math.min(dim, k + 10);
    const random = gaussian(seededRandom(seed));
    let q = Float64Array.from({ length: dim * block }, () => random());
    orthonormalizeColumns(q, dim, block);
    const next = new Float64Array(dim * block);
    for (let iteration = 0; iteration < 40; iteration++) {
      next.fill(0);
      for (let r = 0; r < dim; r++) {
        for (let c = 0; c < dim; c++) {
          const v = cov[r * dim + c];
          if (v === 0) continue;
          for (let j = 0; j < block; j++) next[r * block + j] += v * q[c * block + j];
        }
      }
      q = Float64Array.from(next);
      orthonormalizeColumns(q, dim, block);
    }
    // Rayleigh-Ritz: T = Qᵀ C Q (block × block), its eigenvectors rotate Q onto ordered axes.
    const cq = new Float64Array(dim * block);
    for (let r = 0; r < dim; r++)
      for (let c = 0; c < dim; c++) {
        const v = cov[r * dim + c];
        for (let j = 0; j < block; j++) cq[r * block + j] += v * q[c * block + j];
      }
    const t = new Float64Array(block * block);
    for (let a = 0; a < block; a++) for (let b = 0; b < block; b++) for (let r = 0; r < dim; r++) t[a * block + b] += q[r * block + a] * cq[r * block + b];
    const { values, vectors } = symmetricEigen(t, block);
    axes = new Float64Array(dim * k);
    for (let r = 0; r < dim; r++) for (let j = 0; j < k; j++) for (let b = 0; b < block; b++) axes[r * k + j] += q[r * block + b] * vectors[b * block + j];
    variances = values.slice(0, k);
  }
  for (let j = 0; j < k; j++) {
    let largest = 0;
    for (let r = 0; r < dim; r++) if (Math.abs(axes[r * k + j]) > Math.abs(largest)) largest = axes[r * k + j];
    if (largest < 0) for (let r = 0; r < dim; r++) axes[r * k + j] = -axes[r * k + j];
  }
  const projected = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < dim; c++) row[c] = data[i * dim + c] - mean[c];
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let c = 0; c < dim; c++) s += row[c] * axes[c * k + j];
      projected[i * k + j] = s;
    }
  }
  const kept = variances.reduce((a, b) => a + Math.max(b, 0), 0);
  // kept ≤ total holds exactly; the bound only absorbs the last rounding of the two sums
  return { projected, components: k, variances, explained: total > 0 ? Math.min(kept / total, 1) : 0 };
}

/** Squared Euclidean distance between row i of `a` and row j of `b`. */
export function squaredDistance(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, dim: number): number {
  let s = 0;
  const oa = i * dim;
  const ob = j * dim;
  for (let c = 0; c < dim; c++) {
    const d = a[oa + c] - b[ob + c];
    s += d * d;
  }
  return s;
}

export interface Neighbours {
  k: number;
  /** n × k neighbour indices, nearest first (never the point itself) */
  indices: Int32Array;
  /** n × k squared Euclidean distances */
  distances: Float64Array;
}

/**
 * Exact k nearest neighbours of every row (never itself), with a VpTree. */
export function nearestNeighbours(data: ArrayLike<number>, n: number, dim: number, k: number, seed = 1): Neighbours {
  k = Math.min(k, n - 1);
  const tree = new VpTree(data, n, dim, seed);
  const indices = new Int32Array(n * k);
  const distances = new Float64Array(n * k);
  for (let q = 0; q < n; q++) tree.query(data, q, k, indices, distances, q * k, q);
  return { k, indices, distances };
}

/**
 * Exact k-nearest-neighbour search by a vantage-point tree (Yianilos): each node splits the rest of its points at
 * the median distance to a (seeded) random vantage point, and a search skips a side when the triangle inequality
 * shows it cannot hold anything nearer than the k-th found so far. Callers query row by row, so a worker can
 * report progress and stop between rows.
 */
export class VpTree {
  private readonly order: Int32Array;
  private readonly radius: Float64Array;
  private readonly mids: Int32Array;
  private heapIdx = new Int32Array(0);
  private heapDist = new Float64Array(0);
  private readonly nodeLo: Int32Array;
  private readonly nodeHi: Int32Array;

  constructor(
    private readonly data: ArrayLike<number>,
    private readonly n: number,
    private readonly dim: number,
    seed = 1,
  ) {
    const random = seededRandom(seed ^ 0x2545f491);
    const order = (this.order = Int32Array.from({ length: n }, (_, i) => i));
    // Node = range [lo, hi): order[lo] is the vantage point, (lo, mid] within radius[lo], (mid, hi) outside.
    this.radius = new Float64Array(n);
    this.mids = new Int32Array(n);
    const dist = new Float64Array(n);
    const stack: number[] = [0, n];
    while (stack.length) {
      const hi = stack.pop()!;
      const lo = stack.pop()!;
      if (hi - lo <= 1) continue;
      const pick = lo + Math.floor(random() * (hi - lo));
      [order[lo], order[pick]] = [order[pick], order[lo]];
      const vp = order[lo];
      for (let p = lo + 1; p < hi; p++) dist[order[p]] = Math.sqrt(squaredDistance(data, vp, data, order[p], dim));
      const mid = (lo + 1 + hi) >> 1;
      quickselect(order, dist, lo + 1, hi - 1, mid);
      this.radius[lo] = dist[order[mid]];
      this.mids[lo] = mid;
      stack.push(lo + 1, mid + 1, mid + 1, hi);
    }
    this.nodeLo = new Int32Array(64 + 16 * Math.ceil(Math.log2(n + 1)));
    this.nodeHi = new Int32Array(this.nodeLo.length);
  }

  /**
   * The k nearest rows of the tree to row `row` of `queries` (same dim), nearest first, written at `at` in
   * `indices` / `distances` (squared); `exclude` (the query's own index) is skipped. Returns how many were found.
   */
  query(queries: ArrayLike<number>, row: number, k: number, indices: Int32Array, distances: Float64Array, at = 0, exclude = -1): number {
    const { data, dim, order, radius, mids, nodeLo, nodeHi, n } = this;
    if (this.heapIdx.length < k) {
      this.heapIdx = new Int32Array(k);
      this.heapDist = new Float64Array(k);
    }
    const { heapIdx, heapDist } = this;
    let size = 0;
    let tau = Infinity;
    let top = 0;
    nodeLo[top] = 0;
    nodeHi[top++] = n;
    while (top > 0) {
      const lo = nodeLo[--top];
      const hi = nodeHi[top];
      if (hi <= lo) continue;
      const vp = order[lo];
      const d = Math.sqrt(squaredDistance(queries, row, data, vp, dim));
      if (vp !== exclude && d < tau) {
        if (size < k) siftUp(heapDist, heapIdx, size++, d, vp);
        else siftDown(heapDist, heapIdx, size, d, vp);
        if (size === k) tau = heapDist[0];
      }
      if (hi - lo <= 1) continue;
      const mid = mids[lo];
      const r = radius[lo];
      // The side the query is on is pushed last, so it is searched first.
      const pushOutside = () => {
        if (d + tau >= r && mid + 1 < hi) {
          nodeLo[top] = mid + 1;
          nodeHi[top++] = hi;
        }
      };
      const pushInside = () => {
        if (d - tau <= r) {
          nodeLo[top] = lo + 1;
          nodeHi[top++] = mid + 1;
        }
      };
      if (d < r) {
        pushOutside();
        pushInside();
      } else {
        pushInside();
        pushOutside();
      }
    }
    const found = size;
    for (let end = size - 1; end >= 0; end--) {
      indices[at + end] = heapIdx[0];
      distances[at + end] = heapDist[0] * heapDist[0];
      siftDown(heapDist, heapIdx, end, heapDist[end], heapIdx[end]);
    }
    return found;
  }
}

/** Adds (d, idx) at slot `c` (the heap's new last slot) of a max-heap on distance, moving it up to its place. */
function siftUp(heapDist: Float64Array, heapIdx: Int32Array, c: number, d: number, idx: number): void {
  while (c > 0) {
    const parent = (c - 1) >> 1;
    if (heapDist[parent] >= d) break;
    heapDist[c] = heapDist[parent];
    heapIdx[c] = heapIdx[parent];
    c = parent;
  }
  heapDist[c] = d;
  heapIdx[c] = idx;
}

function siftDown(heapDist: Float64Array, heapIdx: Int32Array, size: number, d: number, idx: number): void {
  let c = 0;
  for (;;) {
    let child = 2 * c + 1;
    if (child >= size) break;
    if (child + 1 < size && heapDist[child + 1] > heapDist[child]) child++;
    if (heapDist[child] <= d) break;
    heapDist[c] = heapDist[child];
    heapIdx[c] = heapIdx[child];
    c = child;
  }
  if (size > 0) {
    heapDist[c] = d;
    heapIdx[c] = idx;
  }
}

/** Partially sorts order[lo..hi] by key so that order[nth] holds the element of that rank. */
function quickselect(order: Int32Array, key: Float64Array, lo: number, hi: number, nth: number): void {
  while (hi > lo) {
    const pivot = key[order[(lo + hi) >> 1]];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (key[order[i]] < pivot) i++;
      while (key[order[j]] > pivot) j--;
      if (i <= j) {
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
        i++;
        j--;
      }
    }
    if (nth <= j) hi = j;
    else if (nth >= i) lo = i;
    else return;
  }
}

/** Exact neighbours by brute force, for tests and tiny inputs. */
export function bruteNeighbours(data: ArrayLike<number>, n: number, dim: number, k: number): Neighbours {
  k = Math.min(k, n - 1);
  const indices = new Int32Array(n * k);
  const distances = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const all = Array.from({ length: n }, (_, j) => j)
      .filter((j) => j !== i)
      .map((j) => [j, squaredDistance(data, i, data, j, dim)] as const)
      .sort((a, b) => a[1] - b[1] || a[0] - b[0])
      .slice(0, k);
    all.forEach(([j, d], r) => ((indices[i * k + r] = j), (distances[i * k + r] = d)));
  }
  return { k, indices, distances };
}

/**
 * Approximate k nearest neighbours for large N, where an exact search in 50+ dimensions costs O(N²): a forest of
 * random-projection trees (each node splits its points by the hyperplane halfway between two of them, as Annoy
 * does) proposes as candidates the points sharing a leaf, then rounds of neighbour-of-neighbour refinement
 * (NN-descent) catch most of what the trees missed. A generator: it yields the share done, so a worker can report
 * progress and stop between steps; `approximateNeighbours` runs it to the end.
 */
export function* approximateNeighbourSteps(
  data: ArrayLike<number>,
  n: number,
  dim: number,
  k: number,
  seed = 1,
  options: { trees?: number; leafSize?: number; refinements?: number; fanout?: number } = {},
  result: { neighbours?: Neighbours } = {},
): Generator<number, Neighbours> {
  k = Math.min(k, n - 1);
  const trees = options.trees ?? 6;
  const leafSize = Math.max(options.leafSize ?? 2 * k, k + 1);
  const refinements = options.refinements ?? 2;
  const fanout = Math.min(options.fanout ?? 10, k);
  const random = seededRandom(seed ^ 0x1b873593);
  // leaves[t]: a permutation of the points, leafStart/leafOf: where each point's leaf begins and ends
  const members: Int32Array[] = [];
  const leafFrom: Int32Array[] = [];
  const leafTo: Int32Array[] = [];
  const side = new Float64Array(n);
  const normal = new Float64Array(dim);
  for (let t = 0; t < trees; t++) {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    const from = new Int32Array(n);
    const to = new Int32Array(n);
    const stack = [0, n];
    while (stack.length) {
      const hi = stack.pop()!;
      const lo = stack.pop()!;
      if (hi - lo <= leafSize) {
        for (let p = lo; p < hi; p++) {
          from[order[p]] = lo;
          to[order[p]] = hi;
        }
        continue;
      }
      const a = order[lo + Math.floor(random() * (hi - lo))];
      let b = order[lo + Math.floor(random() * (hi - lo))];
      if (b === a) b = order[a === order[lo] ? hi - 1 : lo];
      let offset = 0;
      for (let c = 0; c < dim; c++) {
        normal[c] = data[a * dim + c] - data[b * dim + c];
        offset += (normal[c] * (data[a * dim + c] + data[b * dim + c])) / 2;
      }
      for (let p = lo; p < hi; p++) {
        let s = -offset;
        const row = order[p] * dim;
        for (let c = 0; c < dim; c++) s += normal[c] * data[row + c];
        side[order[p]] = s;
      }
      let i = lo;
      let j = hi - 1;
      while (i <= j) {
        if (side[order[i]] <= 0) i++;
        else {
          const tmp = order[i];
          order[i] = order[j];
          order[j] = tmp;
          j--;
        }
      }
      // a degenerate split (duplicates) is cut in the middle instead
      const mid = i === lo || i === hi ? (lo + hi) >> 1 : i;
      stack.push(lo, mid, mid, hi);
    }
    members.push(order);
    leafFrom.push(from);
    leafTo.push(to);
    yield (0.2 * (t + 1)) / trees;
  }
  const indices = new Int32Array(n * k);
  const distances = new Float64Array(n * k).fill(Infinity);
  const stamp = new Int32Array(n).fill(-1);
  const heapIdx = new Int32Array(k);
  const heapDist = new Float64Array(k);
  // Each row of indices/distances is kept as a max-heap while searching, sorted at the end.
  const offer = (q: number, j: number, size: number): number => {
    const d = squaredDistance(data, q, data, j, dim);
    if (size < k) siftUp(heapDist, heapIdx, size++, d, j);
    else if (d < heapDist[0]) siftDown(heapDist, heapIdx, size, d, j);
    return size;
  };
  const rounds = 1 + refinements;
  for (let round = 0; round < rounds; round++) {
    const previous = round === 0 ? undefined : indices.slice();
    for (let q = 0; q < n; q++) {
      let size = 0;
      const mark = round * n + q;
      stamp[q] = mark;
      if (round === 0) {
        for (let t = 0; t < trees; t++) {
          const order = members[t];
          for (let p = leafFrom[t][q]; p < leafTo[t][q]; p++) {
            const j = order[p];
            if (stamp[j] === mark) continue;
            stamp[j] = mark;
            size = offer(q, j, size);
          }
        }
        // a point in small leaves everywhere gets random candidates until it has k
        while (size < k) {
          const j = Math.floor(random() * n);
          if (stamp[j] === mark) continue;
          stamp[j] = mark;
          size = offer(q, j, size);
        }
      } else {
        const row = previous!.subarray(q * k, (q + 1) * k);
        for (const j of row) {
          if (stamp[j] === mark) continue;
          stamp[j] = mark;
          size = offer(q, j, size);
        }
        // neighbours of the nearest few neighbours
        for (let f = 0; f < fanout; f++) {
          const via = row[f];
          for (let e = via * k; e < (via + 1) * k; e++) {
            const j = previous![e];
            if (stamp[j] === mark) continue;
            stamp[j] = mark;
            size = offer(q, j, size);
          }
        }
      }
      for (let end = size - 1; end >= 0; end--) {
        indices[q * k + end] = heapIdx[0];
        distances[q * k + end] = heapDist[0];
        siftDown(heapDist, heapIdx, end, heapDist[end], heapIdx[end]);
      }
      if ((q & 1023) === 1023) yield 0.2 + (0.8 * (round + (q + 1) / n)) / rounds;
    }
  }
  result.neighbours = { k, indices, distances };
  return result.neighbours;
}

export function approximateNeighbours(data: ArrayLike<number>, n: number, dim: number, k: number, seed = 1, options = {}): Neighbours {
  const steps = approximateNeighbourSteps(data, n, dim, k, seed, options);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
