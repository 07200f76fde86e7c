/**
 * A random forest classifier for dense Float32 features, written for this page: a general JS library
 * (ml-random-forest) took ~6.5 s per tree on 3,000 × 512, far too slow for FER2013's 28,709 × 2,304 raw pixels.
 *
 * The same algorithm as scikit-learn's RandomForestClassifier (gini, √d candidate features per split, bootstrap,
 * max depth / min samples per leaf, predict_proba = mean of the leaves' class frequencies), with the split search of
 * histogram learners (LightGBM, sklearn's HistGradientBoosting): every feature is quantile-binned once into uint8
 * codes, so a node's best split on a feature is one pass over its samples plus one pass over ≤256 bins, instead of a
 * sort. Small nodes sort their few (code, label) pairs instead, which is cheaper than scanning empty bins.
 * Thresholds are stored as feature values (the bin's upper edge), so prediction needs no binning.
 * Everything random comes from one seeded generator: the same seed and data give the same forest.
 */
import { yieldToEvents } from '../lib/eventTurns';
import { throwIfCancelled } from '../lib/rpc';
import { seededRandom } from '../lib/random';

export interface ForestSettings {
  trees: number;
  /** 0 = grow until leaves are pure or too small (scikit-learn's max_depth=None) */
  maxDepth: number;
  /** fewest (bootstrap) samples a leaf may hold */
  minLeaf: number;
  /** candidate features per split */
  maxFeatures: 'sqrt' | 'log2' | 'all';
  bootstrap: boolean;
  /** quantile bins per feature, 2-256 */
  bins: number;
  seed: number;
}

export const DEFAULT_FOREST: ForestSettings = { trees: 100, maxDepth: 0, minLeaf: 1, maxFeatures: 'sqrt', bootstrap: true, bins: 64, seed: 42 };

/** A trained forest as flat typed arrays (storable in IndexedDB as is). Node ids are global across trees. */
export interface Forest {
  dim: number;
  classCount: number;
  /** roots[t]: node id of tree t's root */
  roots: Uint32Array;
  /** split feature of a node, -1 for a leaf */
  feature: Int32Array;
  /** go left when x[feature] <= threshold */
  threshold: Float32Array;
  /** internal node: id of its left child (the right child is the next id); leaf: its leaf index */
  child: Uint32Array;
  /** leafValues[leaf * classCount + c]: class frequency in the leaf's training samples */
  leafValues: Float32Array;
}

/** Features quantile-binned for split search, column-major: codes[f * n + i] is the bin of training row i. */
export interface BinnedFeatures {
  n: number;
  dim: number;
  codes: Uint8Array;
  /** edges[f * (bins - 1) + k], k < edgeCounts[f]: bin(x) = the first k with x <= edge k, else edgeCounts[f] */
  edges: Float32Array;
  edgeCounts: Uint16Array;
  bins: number;
}

export function featuresPerSplit(setting: ForestSettings['maxFeatures'], dim: number): number {
  if (setting === 'all') return dim;
  return Math.max(1, setting === 'sqrt' ? Math.floor(Math.sqrt(dim)) : Math.floor(Math.log2(dim)));
}

function checkSettings(s: ForestSettings) {
  const problems: string[] = [];
  if (!Number.isInteger(s.trees) || s.trees < 1) problems.push(`tree count must be a whole number ≥ 1 (got ${s.trees})`);
  if (!Number.isInteger(s.maxDepth) || s.maxDepth < 0) problems.push(`max depth must be a whole number ≥ 0, 0 for unlimited (got ${s.maxDepth})`);
  if (!Number.isInteger(s.minLeaf) || s.minLeaf < 1) problems.push(`min samples per leaf must be a whole number ≥ 1 (got ${s.minLeaf})`);
  if (!Number.isInteger(s.bins) || s.bins < 2 || s.bins > 256) problems.push(`bins must be a whole number from 2 to 256 (got ${s.bins})`);
  if (problems.length) throw new Error(`Random forest settings: ${problems.join('; ')}`);
}

/**
 * Bins the given rows of x (row-major, dim columns). Edges come from up to `sampleSize` rows: midpoints between
 * distinct values when a feature has at most `bins` of them (raw pixels often do), else its quantiles.
 */
export function binFeatures(x: Float32Array, dim: number, rows: ArrayLike<number>, bins: number, random: () => number, sampleSize = 5_000): BinnedFeatures {
  const n = rows.length;
  const stride = bins - 1;
  const edges = new Float32Array(dim * stride);
  const edgeCounts = new Uint16Array(dim);
  const sample = new Uint32Array(Math.min(n, sampleSize));
  if (sample.length === n) for (let i = 0; i < n; i++) sample[i] = rows[i];
  else for (let i = 0; i < sample.length; i++) sample[i] = rows[Math.floor(random() * n)];
  // Transposed copies, written row by row: reading x column-wise (a stride of dim floats) thrashes the cache.
  const m = sample.length;
  const columns = new Float32Array(m * dim);
  for (let i = 0; i < m; i++) {
    const base = sample[i] * dim;
    for (let f = 0; f < dim; f++) columns[f * m + i] = x[base + f];
  }
  const distinct = new Float32Array(m);
  for (let f = 0; f < dim; f++) {
    const values = columns.subarray(f * m, (f + 1) * m);
    values.sort();
    let d = 0;
    for (let i = 0; i < m && d <= bins; i++) if (d === 0 || values[i] !== distinct[d - 1]) distinct[d++] = values[i];
    let count = 0;
    const base = f * stride;
    if (d <= bins) {
      for (let k = 0; k + 1 < d; k++) edges[base + count++] = (distinct[k] + distinct[k + 1]) / 2;
    } else {
      for (let k = 1; k < bins; k++) {
        const edge = values[Math.floor((k * m) / bins)];
        if (count === 0 || edge > edges[base + count - 1]) edges[base + count++] = edge;
      }
    }
    edgeCounts[f] = count;
  }
  // Coding by lookup instead of a binary search per value: each feature's range between its first and last edge is
  // cut into CELLS equal cells, and cellStart[f][c] is the first edge the cell can reach; a value then needs a
  // step or two from there. The backward step keeps the result exact when rounding puts a value in the next cell.
  const CELLS = 512;
  const cellStart = new Uint8Array(dim * (CELLS + 1));
  const low = new Float64Array(dim);
  const scale = new Float64Array(dim);
  for (let f = 0; f < dim; f++) {
    const base = f * stride;
    const count = edgeCounts[f];
    if (count === 0) continue;
    const lo = edges[base];
    const span = edges[base + count - 1] - lo;
    low[f] = lo;
    scale[f] = span > 0 ? CELLS / span : 0;
    let k = 0;
    for (let c = 0; c <= CELLS; c++) {
      const cellLow = span > 0 ? lo + c / scale[f] : lo;
      while (k < count && edges[base + k] < cellLow) k++;
      cellStart[f * (CELLS + 1) + c] = k;
    }
  }
  const codes = new Uint8Array(n * dim);
  // Blocks of rows: each feature's codes for a block are one contiguous run, and the block's rows stay in cache
  // while the features are walked (a plain row-by-row loop writes 2,304 scattered bytes per row).
  const BLOCK = 64;
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(n, i0 + BLOCK);
    for (let f = 0; f < dim; f++) {
      const base = f * stride;
      const count = edgeCounts[f];
      const out = f * n;
      if (count === 0) continue;
      const lo = low[f];
      const hi = edges[base + count - 1];
      const s = scale[f];
      const cells = f * (CELLS + 1);
      for (let i = i0; i < i1; i++) {
        const v = x[rows[i] * dim + f];
        let k;
        if (v <= lo) k = 0;
        else if (!(v <= hi)) k = count;
        else {
          k = cellStart[cells + Math.min(CELLS, Math.floor((v - lo) * s))];
          while (k > 0 && v <= edges[base + k - 1]) k--;
          while (v > edges[base + k]) k++;
        }
        codes[out + i] = k;
      }
    }
  }
  return { n, dim, codes, edges, edgeCounts, bins };
}

/** One tree under construction: nodes appended as they are created. */
class TreeBuilder {
  feature: number[] = [];
  threshold: number[] = [];
  child: number[] = [];
  leafValues: number[] = [];
  leafCount = 0;

  addNode(): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.child.push(0);
    return this.feature.length - 1;
  }

  makeLeaf(node: number, counts: Float64Array, total: number) {
    this.feature[node] = -1;
    this.child[node] = this.leafCount++;
    for (let c = 0; c < counts.length; c++) this.leafValues.push(counts[c] / total);
  }
}

const SMALL_NODE = 32;

/**
 * Grows one tree on the in-bag samples `sample` (training row indices, repeats allowed). Returns the tree's nodes
 * with local ids (0 = root).
 */
export function growTree(
  data: BinnedFeatures,
  labels: Uint8Array,
  classCount: number,
  sample: Uint32Array,
  settings: Pick<ForestSettings, 'maxDepth' | 'minLeaf' | 'maxFeatures'>,
  random: () => number,
): TreeBuilder {
  const { n, dim, codes, edges, bins } = data;
  const C = classCount;
  const mtry = featuresPerSplit(settings.maxFeatures, dim);
  const maxDepth = settings.maxDepth > 0 ? settings.maxDepth : Infinity;
  const minLeaf = settings.minLeaf;
  const tree = new TreeBuilder();
  const idx = sample.slice();
  const order = Int32Array.from({ length: dim }, (_, f) => f);
  const hist = new Float64Array(bins * C);
  const counts = new Float64Array(C);
  const left = new Float64Array(C);
  const keys = new Uint16Array(Math.min(SMALL_NODE, idx.length) + 1);
  const stack: { node: number; start: number; end: number; depth: number }[] = [{ node: tree.addNode(), start: 0, end: idx.length, depth: 0 }];

  while (stack.length) {
    const { node, start, end, depth } = stack.pop()!;
    const size = end - start;
    counts.fill(0);
    for (let k = start; k < end; k++) counts[labels[idx[k]]]++;
    let classesPresent = 0;
    for (let c = 0; c < C; c++) if (counts[c] > 0) classesPresent++;
    if (depth >= maxDepth || size < 2 * minLeaf || classesPresent <= 1) {
      tree.makeLeaf(node, counts, size);
      continue;
    }
    // Gini: minimizing the children's weighted impurity = maximizing Σ_c nL_c²/nL + Σ_c nR_c²/nR.
    let bestScore = -Infinity;
    let bestFeature = -1;
    let bestCode = -1;
    let evaluated = 0;
    // Draw features without replacement; constant ones do not count towards mtry, and drawing goes on past mtry
    // until a valid split exists (scikit-learn's rule).
    for (let drawn = 0; drawn < dim && (evaluated < mtry || bestFeature < 0); drawn++) {
      const pick = drawn + Math.floor(random() * (dim - drawn));
      const f = order[pick];
      order[pick] = order[drawn];
      order[drawn] = f;
      const column = f * n;
      if (size <= SMALL_NODE) {
        // Few samples: sort (code, label) pairs and scan the boundaries between codes.
        for (let k = 0; k < size; k++) {
          const key = (codes[column + idx[start + k]] << 8) | labels[idx[start + k]];
          let j = k;
          while (j > 0 && keys[j - 1] > key) {
            keys[j] = keys[j - 1];
            j--;
          }
          keys[j] = key;
        }
        if (keys[0] >> 8 === keys[size - 1] >> 8) continue;
        evaluated++;
        left.fill(0);
        let sqLeft = 0;
        for (let k = 0; k < size - 1; k++) {
          const c = keys[k] & 0xff;
          sqLeft += 2 * left[c] + 1;
          left[c]++;
          const code = keys[k] >> 8;
          if (code === keys[k + 1] >> 8) continue;
          const nL = k + 1;
          const nR = size - nL;
          if (nL < minLeaf || nR < minLeaf) continue;
          let sqRight = 0;
          for (let cc = 0; cc < C; cc++) {
            const r = counts[cc] - left[cc];
            sqRight += r * r;
          }
          const score = sqLeft / nL + sqRight / nR;
          if (score > bestScore) {
            bestScore = score;
            bestFeature = f;
            bestCode = code;
          }
        }
      } else {
        let lo = 255;
        let hi = 0;
        for (let k = start; k < end; k++) {
          const i = idx[k];
          const code = codes[column + i];
          hist[code * C + labels[i]]++;
          if (code < lo) lo = code;
          if (code > hi) hi = code;
        }
        if (lo === hi) {
          hist.fill(0, lo * C, (hi + 1) * C);
          continue;
        }
        evaluated++;
        left.fill(0);
        let nL = 0;
        for (let code = lo; code < hi; code++) {
          let sqLeft = 0;
          let sqRight = 0;
          for (let c = 0; c < C; c++) {
            const h = hist[code * C + c];
            nL += h;
            const l = (left[c] += h);
            const r = counts[c] - l;
            sqLeft += l * l;
            sqRight += r * r;
          }
          const nR = size - nL;
          if (nL < minLeaf || nR < minLeaf) continue;
          const score = sqLeft / nL + sqRight / nR;
          if (score > bestScore) {
            bestScore = score;
            bestFeature = f;
            bestCode = code;
          }
        }
        hist.fill(0, lo * C, (hi + 1) * C);
      }
    }
    if (bestFeature < 0) {
      tree.makeLeaf(node, counts, size);
      continue;
    }
    // Partition idx[start, end) in place: codes <= bestCode first.
    const column = bestFeature * n;
    let i = start;
    let j = end - 1;
    while (i <= j) {
      if (codes[column + idx[i]] <= bestCode) i++;
      else {
        const t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        j--;
      }
    }
    const leftId = tree.addNode();
    tree.addNode();
    tree.feature[node] = bestFeature;
    tree.threshold[node] = edges[bestFeature * (bins - 1) + bestCode];
    tree.child[node] = leftId;
    // bestCode < the node's highest code, so edge bestCode exists.
    stack.push({ node: leftId + 1, start: i, end, depth: depth + 1 }, { node: leftId, start, end: i, depth: depth + 1 });
  }
  return tree;
}

export interface ForestTrainControl {
  signal?: AbortSignal;
  /** after each tree: trees done and that tree's milliseconds */
  onTree?: (done: number, ms: number) => void;
  onStage?: (message: string) => void;
  /** resolves when growing may go on (pause support); awaited between trees */
  gate?: () => Promise<void>;
}

export interface TrainedForest {
  forest: Forest;
  /** out-of-bag accuracy (each training row scored by the trees that did not see it); NaN without bootstrap */
  oobAccuracy: number;
  /** rows that had at least one out-of-bag tree */
  oobCount: number;
  msPerTree: number[];
  binningMs: number;
}


/** Trains a forest on x's rows `rows` (labels indexed like x's rows). Yields between trees so a cancel is seen. */
export async function trainForest(
  x: Float32Array,
  dim: number,
  labels: Uint8Array,
  rows: ArrayLike<number>,
  classCount: number,
  settings: ForestSettings,
  control: ForestTrainControl = {},
): Promise<TrainedForest> {
  checkSettings(settings);
  if (rows.length === 0) throw new Error('The random forest needs at least one training row');
  const random = seededRandom(settings.seed);
  control.onStage?.(`Binning ${rows.length.toLocaleString('en-US')} × ${dim} features into ${settings.bins} quantile bins…`);
  await yieldToEvents();
  const binningStarted = performance.now();
  const data = binFeatures(x, dim, rows, settings.bins, random);
  const binningMs = performance.now() - binningStarted;
  const n = rows.length;
  const trainLabels = Uint8Array.from({ length: n }, (_, i) => labels[rows[i]]);
  for (const label of trainLabels) if (label >= classCount) throw new Error(`Label ${label} is outside the ${classCount} classes`);

  const roots: number[] = [];
  const parts: { feature: Int32Array; threshold: Float32Array; child: Uint32Array; leafValues: Float32Array }[] = [];
  let nodeBase = 0;
  let leafBase = 0;
  const oobVotes = new Float64Array(settings.bootstrap ? n * classCount : 0);
  const inBagCount = new Uint16Array(n);
  const msPerTree: number[] = [];
  const sample = new Uint32Array(n);
  for (let t = 0; t < settings.trees; t++) {
    throwIfCancelled(control.signal ?? new AbortController().signal);
    const started = performance.now();
    if (settings.bootstrap) {
      inBagCount.fill(0);
      for (let i = 0; i < n; i++) {
        const pick = Math.floor(random() * n);
        sample[i] = pick;
        inBagCount[pick]++;
      }
    } else for (let i = 0; i < n; i++) sample[i] = i;
    const tree = growTree(data, trainLabels, classCount, sample, settings, random);
    const nodes = tree.feature.length;
    const part = {
      feature: Int32Array.from(tree.feature),
      threshold: Float32Array.from(tree.threshold),
      child: Uint32Array.from(tree.child, (c, k) => c + (tree.feature[k] < 0 ? leafBase : nodeBase)),
      leafValues: Float32Array.from(tree.leafValues),
    };
    parts.push(part);
    roots.push(nodeBase);
    if (settings.bootstrap) {
      // Out-of-bag votes: the rows this tree's bootstrap left out.
      for (let i = 0; i < n; i++) {
        if (inBagCount[i]) continue;
        let node = 0;
        while (tree.feature[node] >= 0) {
          const f = tree.feature[node];
          node = x[rows[i] * dim + f] <= tree.threshold[node] ? tree.child[node] : tree.child[node] + 1;
        }
        const leaf = tree.child[node];
        for (let c = 0; c < classCount; c++) oobVotes[i * classCount + c] += tree.leafValues[leaf * classCount + c];
      }
    }
    nodeBase += nodes;
    leafBase += tree.leafCount;
    const ms = performance.now() - started;
    msPerTree.push(ms);
    control.onTree?.(t + 1, ms);
    await yieldToEvents();
    await control.gate?.();
  }
  throwIfCancelled(control.signal ?? new AbortController().signal);

  const forest: Forest = {
    dim,
    classCount,
    roots: Uint32Array.from(roots),
    feature: new Int32Array(nodeBase),
    threshold: new Float32Array(nodeBase),
    child: new Uint32Array(nodeBase),
    leafValues: new Float32Array(leafBase * classCount),
  };
  let nodeOffset = 0;
  let leafOffset = 0;
  for (const part of parts) {
    forest.feature.set(part.feature, nodeOffset);
    forest.threshold.set(part.threshold, nodeOffset);
    forest.child.set(part.child, nodeOffset);
    forest.leafValues.set(part.leafValues, leafOffset);
    nodeOffset += part.feature.length;
    leafOffset += part.leafValues.length;
  }

  let oobCorrect = 0;
  let oobCount = 0;
  for (let i = 0; settings.bootstrap && i < n; i++) {
    let best = -1;
    let bestVotes = 0;
    for (let c = 0; c < classCount; c++) {
      const v = oobVotes[i * classCount + c];
      if (v > bestVotes) {
        bestVotes = v;
        best = c;
      }
    }
    if (best < 0) continue;
    oobCount++;
    if (best === trainLabels[i]) oobCorrect++;
  }
  return { forest, oobAccuracy: oobCount ? oobCorrect / oobCount : NaN, oobCount, msPerTree, binningMs };
}

/** Class probabilities (rows.length × classCount): the mean over trees of the leaf's class frequencies. */
export function predictForest(forest: Forest, x: Float32Array, dim: number, rows: ArrayLike<number>): Float32Array {
  if (dim !== forest.dim) throw new Error(`The forest was trained on ${forest.dim} features, these rows have ${dim}`);
  const C = forest.classCount;
  const out = new Float32Array(rows.length * C);
  const { roots, feature, threshold, child, leafValues } = forest;
  // Summed in float64, tree by tree, as accuracyBySize does: both then round the same sums the same way.
  const sums = new Float64Array(C);
  for (let j = 0; j < rows.length; j++) {
    const base = rows[j] * dim;
    sums.fill(0);
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t];
      while (feature[node] >= 0) node = x[base + feature[node]] <= threshold[node] ? child[node] : child[node] + 1;
      const leaf = child[node] * C;
      for (let c = 0; c < C; c++) sums[c] += leafValues[leaf + c];
    }
    for (let c = 0; c < C; c++) out[j * C + c] = sums[c] / roots.length;
  }
  return out;
}

/** 1, 2, 5, 10, 20, 50, … up to and including `trees`: the forest sizes worth scoring. */
export function sizeCheckpoints(trees: number): number[] {
  const out: number[] = [];
  for (let scale = 1; scale <= trees; scale *= 10) for (const k of [1, 2, 5]) if (k * scale < trees) out.push(k * scale);
  out.push(trees);
  return out;
}

/**
 * Accuracy of the forest's first k trees for each k in `sizes` (ascending): what a smaller forest would have
 * reached, from one pass that adds the trees' votes one at a time.
 */
export function accuracyBySize(forest: Forest, x: Float32Array, dim: number, rows: ArrayLike<number>, truth: ArrayLike<number>, sizes: number[]): { trees: number; accuracy: number }[] {
  const C = forest.classCount;
  const votes = new Float64Array(rows.length * C);
  const { roots, feature, threshold, child, leafValues } = forest;
  const out: { trees: number; accuracy: number }[] = [];
  let next = 0;
  for (let t = 0; t < roots.length && next < sizes.length; t++) {
    for (let j = 0; j < rows.length; j++) {
      const base = rows[j] * dim;
      let node = roots[t];
      while (feature[node] >= 0) node = x[base + feature[node]] <= threshold[node] ? child[node] : child[node] + 1;
      const leaf = child[node] * C;
      for (let c = 0; c < C; c++) votes[j * C + c] += leafValues[leaf + c];
    }
    if (t + 1 !== sizes[next]) continue;
    let correct = 0;
    const k = t + 1;
    for (let j = 0; j < rows.length; j++) {
      // compared as predictForest's float32 probabilities, so the full size agrees with it exactly
      let best = 0;
      let bestP = Math.fround(votes[j * C] / k);
      for (let c = 1; c < C; c++) {
        const p = Math.fround(votes[j * C + c] / k);
        if (p > bestP) {
          bestP = p;
          best = c;
        }
      }
      if (best === truth[j]) correct++;
    }
    out.push({ trees: t + 1, accuracy: rows.length ? correct / rows.length : NaN });
    next++;
  }
  return out;
}

/** Depth of each tree (the longest root-to-leaf path), for the summary. */
export function treeDepths(forest: Forest): number[] {
  return Array.from(forest.roots, (root) => {
    let deepest = 0;
    const stack: [number, number][] = [[root, 0]];
    while (stack.length) {
      const [node, depth] = stack.pop()!;
      if (forest.feature[node] < 0) deepest = Math.max(deepest, depth);
      else stack.push([forest.child[node], depth + 1], [forest.child[node] + 1, depth + 1]);
    }
    return deepest;
  });
}
