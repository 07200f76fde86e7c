/**
 * The CLIP paper's linear probe: multinomial logistic regression on frozen embeddings, its L2 strength chosen on a
 * validation split. Pure typed-array code (no tfjs, no DOM), meant to run in the train worker.
 *
 * Objective — the same as scikit-learn's LogisticRegression(C, multi_class='multinomial', solver='lbfgs'), so a C
 * means the same thing in both and the fitted weights agree:
 *
 *     minimize over W [classes, dim], b [classes]:   Σ_i s_i·CE_i(W, b) + 1/(2C)·‖W‖²
 *     CE_i = logsumexp_k(W_k·x_i + b_k) − (W_{y_i}·x_i + b_{y_i})
 *
 * s_i are sample weights (1, or scikit-learn's class_weight='balanced': n / (classes · count of the row's class)); the
 * bias is not penalized; every class has its own weight vector (scikit-learn's over-parameterized multinomial
 * form, made unique by the penalty). The optimizer works on that objective divided by Σ_i s_i (the same minimizer,
 * numbers of order 1 whatever the row count; later scikit-learn versions do the same).
 *
 * Fitting: full-batch L-BFGS (memory 10, strong-Wolfe line search) with scikit-learn 1.2's stopping rules, measured on
 * the objective above (the sum, not the mean): stop when the largest gradient component is at most `tolerance`
 * (scikit-learn's `tol`, scipy's gtol, default 1e-4), when the relative decrease of an iteration,
 * (f_prev − f) / max(|f_prev|, |f|, 1), is at most `relativeTolerance` (scipy's L-BFGS-B factr 1e7 · eps — in practice
 * this is what stops both; it leaves coefficients ~1e-4 from the exact optimum), or at `maxIterations`.
 *
 * Choosing C (the paper's protocol, appendix A.3): a validation split is carved (stratified) from the training rows;
 * C runs over 10^-6 … 10^6 one decade apart, then the interval around the best C is halved (half, quarter, eighth
 * of a decade) until 8 steps per decade, as the paper's "parametric binary search". Each fit starts from the
 * solution of the nearest C already fitted (warm start). The best C has the highest validation accuracy (ties: the
 * lower validation log loss). The returned model is the fit at that C on the training rows without the validation
 * split, as in the paper; `refitOnAllRows` refits it on training + validation rows instead.
 */
import { throwIfCancelled } from '../lib/rpc';
import { validationSplit } from './split';

export interface LinearProbeSettings {
  /** 'auto': the paper's search over 1e-6…1e6; a list: exactly these Cs (no refinement) */
  cGrid: 'auto' | number[];
  /** L-BFGS iterations per fit */
  maxIterations: number;
  /** stop when max |gradient| of the objective (the sum over rows, as scikit-learn's `tol`) is at most this */
  tolerance: number;
  /** stop when the objective's relative decrease in one iteration is below this (scipy's L-BFGS-B default: 2.2e-9) */
  relativeTolerance: number;
  /** share of the training rows held out to choose C (stratified) */
  validationShare: number;
  /** scikit-learn's class_weight='balanced' */
  classWeighting: boolean;
  /** refit the chosen C on training + validation rows (default: keep the fit on training rows, as the paper) */
  refitOnAllRows: boolean;
  seed: number;
}

export const DEFAULT_LINEAR_PROBE: LinearProbeSettings = {
  cGrid: 'auto',
  maxIterations: 1000,
  tolerance: 1e-4,
  relativeTolerance: 1e7 * 2.220446049250313e-16,
  validationShare: 0.1,
  classWeighting: false,
  refitOnAllRows: false,
  seed: 42,
};

export interface LinearProbeModel {
  dim: number;
  classes: number;
  /** weights[j * classes + k]: feature j's weight for class k (a dense layer's kernel layout) */
  weights: Float32Array;
  bias: Float32Array;
  c: number;
}

export interface CSweepPoint {
  c: number;
  valAccuracy: number;
  /** mean cross-entropy on the validation rows (unweighted) */
  valLoss: number;
  iterations: number;
}

export interface ProbeProgress {
  stage: 'sweep' | 'refit';
  /** fits done / planned (the refinement's count is an upper bound until it ends) */
  done: number;
  total: number;
  c?: number;
  iteration?: number;
}

export interface ProbeControl {
  signal: AbortSignal;
  onProgress?: (p: ProbeProgress) => void;
  /** give the event loop a turn (so a cancel message reaches the worker) at least this often; default 50 ms */
  yieldEveryMs?: number;
}

export interface LinearProbeResult {
  model: LinearProbeModel;
  /** every C fitted, in ascending C */
  sweep: CSweepPoint[];
  chosenC: number;
  /** L-BFGS iterations of all fits together */
  iterations: number;
  trainRows: number;
  valRows: number;
}

// ───────────────────────────── objective ─────────────────────────────

/**
 * A fitting problem: rows of x (Float32 [n, dim], row-major) with labels and sample weights. Parameters θ are
 * Float64 [classes · dim weights (class-major) then classes biases].
 */
export interface ProbeProblem {
  x: Float32Array;
  dim: number;
  classes: number;
  rows: ArrayLike<number>;
  labels: ArrayLike<number>;
  /** per row of `rows`; undefined = all 1 */
  sampleWeights?: Float64Array;
  c: number;
}

export const parameterCount = (dim: number, classes: number) => classes * dim + classes;

const BLOCK = 8;

/**
 * Objective (divided by Σ s_i, see the header) and its gradient into `grad`. Eight rows at a time: each weight
 * loaded once serves eight dot products, and each gradient entry is read and written once per eight rows; that is
 * what brings 28,709 × 512 × 7 to ~0.1 s in V8 (four rows: ~0.13 s, one row: several times that). Sums are Float64.
 */
export function probeLossGradient(p: ProbeProblem, theta: Float64Array, grad: Float64Array): number {
  const { x, dim: d, classes: k, rows, labels } = p;
  const n = rows.length;
  const wOff = k * d;
  grad.fill(0);
  let weightSum = 0;
  let loss = 0;
  const z = new Float64Array(BLOCK * k);
  const residual = new Float64Array(BLOCK * k);
  const offsets = new Int32Array(BLOCK);
  const weights = new Float64Array(BLOCK);
  const ys = new Int32Array(BLOCK);
  for (let start = 0; start < n; start += BLOCK) {
    // A short last block repeats its first row with weight 0.
    for (let q = 0; q < BLOCK; q++) {
      const inside = start + q < n;
      const i = inside ? start + q : start;
      offsets[q] = rows[i] * d;
      ys[q] = labels[rows[i]];
      weights[q] = inside ? (p.sampleWeights ? p.sampleWeights[i] : 1) : 0;
    }
    const o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = offsets[3];
    const o4 = offsets[4], o5 = offsets[5], o6 = offsets[6], o7 = offsets[7];
    for (let c = 0; c < k; c++) {
      const wc = c * d;
      const b = theta[wOff + c];
      let s0 = b, s1 = b, s2 = b, s3 = b, s4 = b, s5 = b, s6 = b, s7 = b;
      for (let j = 0; j < d; j++) {
        const w = theta[wc + j];
        s0 += x[o0 + j] * w;
        s1 += x[o1 + j] * w;
        s2 += x[o2 + j] * w;
        s3 += x[o3 + j] * w;
        s4 += x[o4 + j] * w;
        s5 += x[o5 + j] * w;
        s6 += x[o6 + j] * w;
        s7 += x[o7 + j] * w;
      }
      z[c] = s0;
      z[k + c] = s1;
      z[2 * k + c] = s2;
      z[3 * k + c] = s3;
      z[4 * k + c] = s4;
      z[5 * k + c] = s5;
      z[6 * k + c] = s6;
      z[7 * k + c] = s7;
    }
    // Softmax; residual = s_i · (p_i − onehot(y_i)), the gradient of s_i·CE_i with respect to the logits.
    for (let q = 0; q < BLOCK; q++) {
      const base = q * k;
      let max = -Infinity;
      for (let c = 0; c < k; c++) if (z[base + c] > max) max = z[base + c];
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp(z[base + c] - max);
        residual[base + c] = e;
        sum += e;
      }
      const sw = weights[q];
      const y = ys[q];
      loss += sw * (Math.log(sum) + max - z[base + y]);
      weightSum += sw;
      for (let c = 0; c < k; c++) residual[base + c] = (sw * residual[base + c]) / sum;
      residual[base + y] -= sw;
    }
    for (let c = 0; c < k; c++) {
      const gc = c * d;
      const r0 = residual[c], r1 = residual[k + c], r2 = residual[2 * k + c], r3 = residual[3 * k + c];
      const r4 = residual[4 * k + c], r5 = residual[5 * k + c], r6 = residual[6 * k + c], r7 = residual[7 * k + c];
      for (let j = 0; j < d; j++) {
        grad[gc + j] +=
          r0 * x[o0 + j] + r1 * x[o1 + j] + r2 * x[o2 + j] + r3 * x[o3 + j] + r4 * x[o4 + j] + r5 * x[o5 + j] + r6 * x[o6 + j] + r7 * x[o7 + j];
      }
      grad[wOff + c] += r0 + r1 + r2 + r3 + r4 + r5 + r6 + r7;
    }
  }
  let norm2 = 0;
  const lambda = 1 / p.c;
  for (let t = 0; t < wOff; t++) {
    norm2 += theta[t] * theta[t];
    grad[t] += lambda * theta[t];
  }
  const scale = 1 / weightSum;
  for (let t = 0; t < grad.length; t++) grad[t] *= scale;
  return (loss + 0.5 * lambda * norm2) * scale;
}

// ───────────────────────────── L-BFGS ─────────────────────────────

export interface LbfgsOptions {
  maxIterations: number;
  /** stop when max |gradient| ≤ this */
  gradientTolerance: number;
  /** stop when (f_prev − f) / max(|f_prev|, |f|, relativeFloor) ≤ this; default scipy's L-BFGS-B factr 1e7 · eps */
  relativeTolerance?: number;
  /** default 1 (scipy); 1/N when f is a sum divided by N, so the rule is scipy's on the sum */
  relativeFloor?: number;
  memory?: number;
  signal?: AbortSignal;
  yieldEveryMs?: number;
  onIteration?: (iteration: number, f: number) => void;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
  reason: 'gradient' | 'relative-decrease' | 'max-iterations' | 'line-search';
}

/** Function + gradient: writes the gradient at x into g, returns f(x). */
export type ObjectiveFn = (x: Float64Array, g: Float64Array) => number;

const SCIPY_FTOL = 1e7 * 2.220446049250313e-16;
const C1 = 1e-4;
const C2 = 0.9;

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const maxAbs = (a: Float64Array) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};
const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

interface Point {
  alpha: number;
  f: number;
  /** directional derivative g·p at the point */
  d: number;
  x: Float64Array;
  g: Float64Array;
}

/** Minimizer of the cubic through (a, fa, da) and (b, fb, db), or NaN when it has none. */
function cubicMinimizer(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (disc < 0) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - (b - a) * ((db + d2 - d1) / (db - da + 2 * d2));
}

/** Strong-Wolfe line search (Nocedal & Wright, algorithms 3.5 and 3.6, cubic interpolation in the zoom). */
function strongWolfe(fn: ObjectiveFn, x: Float64Array, f0: number, g0: Float64Array, dir: Float64Array, alpha1: number): { point: Point | null; evaluations: number } {
  const d0 = dot(g0, dir);
  let evaluations = 0;
  const at = (alpha: number): Point => {
    const xa = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) xa[i] = x[i] + alpha * dir[i];
    const g = new Float64Array(x.length);
    const f = fn(xa, g);
    evaluations++;
    return { alpha, f, d: dot(g, dir), x: xa, g };
  };
  const sufficient = (p: Point) => p.f <= f0 + C1 * p.alpha * d0;
  const curvature = (p: Point) => Math.abs(p.d) <= -C2 * d0;

  const zoom = (loIn: Point, hiIn: Point): Point | null => {
    let lo = loIn;
    let hi = hiIn;
    for (let i = 0; i < 30; i++) {
      const width = hi.alpha - lo.alpha;
      let alpha = cubicMinimizer(lo.alpha, lo.f, lo.d, hi.alpha, hi.f, hi.d);
      const left = Math.min(lo.alpha, hi.alpha) + 0.1 * Math.abs(width);
      const right = Math.max(lo.alpha, hi.alpha) - 0.1 * Math.abs(width);
      if (!Number.isFinite(alpha) || alpha < left || alpha > right) alpha = lo.alpha + 0.5 * width;
      const p = at(alpha);
      if (!sufficient(p) || p.f >= lo.f) hi = p;
      else {
        if (curvature(p)) return p;
        if (p.d * (hi.alpha - lo.alpha) >= 0) hi = lo;
        lo = p;
      }
      if (Math.abs(hi.alpha - lo.alpha) < 1e-14 * Math.max(1, lo.alpha)) break;
    }
    // The interval collapsed (rounding): take the best point with sufficient decrease, if any.
    return lo.alpha > 0 && lo.f < f0 ? lo : null;
  };

  let prev: Point = { alpha: 0, f: f0, d: d0, x, g: g0 };
  let alpha = alpha1;
  for (let i = 0; i < 30; i++) {
    const p = at(alpha);
    if (!Number.isFinite(p.f)) {
      alpha = prev.alpha + 0.5 * (alpha - prev.alpha);
      continue;
    }
    if (!sufficient(p) || (i > 0 && p.f >= prev.f)) return { point: zoom(prev, p), evaluations };
    if (curvature(p)) return { point: p, evaluations };
    if (p.d >= 0) return { point: zoom(p, prev), evaluations };
    prev = p;
    alpha *= 2;
  }
  return { point: prev.alpha > 0 ? prev : null, evaluations };
}

/**
 * L-BFGS (two-loop recursion, Nocedal & Wright algorithm 7.4/7.5) with a strong-Wolfe line search. Asynchronous
 * only to give the event loop a turn and to stop on the signal between iterations.
 */
export async function minimizeLbfgs(fn: ObjectiveFn, x0: Float64Array, o: LbfgsOptions): Promise<LbfgsResult> {
  const m = o.memory ?? 10;
  const ftol = o.relativeTolerance ?? SCIPY_FTOL;
  const yieldEvery = o.yieldEveryMs ?? 50;
  const n = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  let g: Float64Array = new Float64Array(n);
  let f = fn(x, g);
  let evaluations = 1;
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const alphas = new Float64Array(m);
  const dir = new Float64Array(n);
  let lastYield = Date.now();
  let iterations = 0;
  let reason: LbfgsResult['reason'] = 'max-iterations';
  if (maxAbs(g) <= o.gradientTolerance) return { x, f, iterations, evaluations, reason: 'gradient' };
  while (iterations < o.maxIterations) {
    if (o.signal) throwIfCancelled(o.signal);
    // Two-loop recursion: dir = −H·g.
    for (let i = 0; i < n; i++) dir[i] = -g[i];
    for (let j = s.length - 1; j >= 0; j--) {
      alphas[j] = rho[j] * dot(s[j], dir);
      const yj = y[j];
      for (let i = 0; i < n; i++) dir[i] -= alphas[j] * yj[i];
    }
    if (s.length > 0) {
      const last = s.length - 1;
      const gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
      for (let i = 0; i < n; i++) dir[i] *= gamma;
    }
    for (let j = 0; j < s.length; j++) {
      const beta = rho[j] * dot(y[j], dir);
      const sj = s[j];
      for (let i = 0; i < n; i++) dir[i] += (alphas[j] - beta) * sj[i];
    }
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction (curvature pairs went stale): restart from steepest descent.
      s.length = y.length = rho.length = 0;
      for (let i = 0; i < n; i++) dir[i] = -g[i];
      slope = dot(g, dir);
    }
    // First step of a fresh memory: unit length along −g; afterwards the quasi-Newton step 1.
    const alpha1 = s.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    const search = strongWolfe(fn, x, f, g, dir, alpha1);
    evaluations += search.evaluations;
    iterations++;
    const p = search.point;
    if (!p) {
      reason = 'line-search';
      break;
    }
    const sNew = new Float64Array(n);
    const yNew = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sNew[i] = p.x[i] - x[i];
      yNew[i] = p.g[i] - g[i];
    }
    const sy = dot(sNew, yNew);
    if (sy > 1e-12 * dot(yNew, yNew)) {
      if (s.length === m) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sNew);
      y.push(yNew);
      rho.push(1 / sy);
    }
    const fPrev = f;
    x = p.x;
    g = p.g;
    f = p.f;
    o.onIteration?.(iterations, f);
    if (maxAbs(g) <= o.gradientTolerance) {
      reason = 'gradient';
      break;
    }
    if ((fPrev - f) / Math.max(Math.abs(fPrev), Math.abs(f), o.relativeFloor ?? 1) <= ftol) {
      reason = 'relative-decrease';
      break;
    }
    if (Date.now() - lastYield >= yieldEvery) {
      await yieldToEvents();
      lastYield = Date.now();
    }
  }
  return { x, f, iterations, evaluations, reason };
}

// ───────────────────────────── model ─────────────────────────────

/** Parameters θ (class-major weights, then biases) as a model ([dim, classes] kernel). */
export function modelFromParameters(theta: Float64Array, dim: number, classes: number, c: number): LinearProbeModel {
  const weights = new Float32Array(dim * classes);
  for (let k = 0; k < classes; k++) for (let j = 0; j < dim; j++) weights[j * classes + k] = theta[k * dim + j];
  return { dim, classes, weights, bias: Float32Array.from(theta.subarray(classes * dim)), c };
}

/** Class probabilities of the given rows of x, [rows.length, classes]. */
export function predictProbe(model: LinearProbeModel, x: Float32Array, dim: number, rows: ArrayLike<number>): Float32Array {
  if (dim !== model.dim) throw new Error(`The probe expects ${model.dim}-d features, got ${dim}-d`);
  const k = model.classes;
  const out = new Float32Array(rows.length * k);
  const z = new Float64Array(k);
  for (let r = 0; r < rows.length; r++) {
    const o = rows[r] * dim;
    for (let c = 0; c < k; c++) z[c] = model.bias[c];
    for (let j = 0; j < dim; j++) {
      const v = x[o + j];
      const wj = j * k;
      for (let c = 0; c < k; c++) z[c] += v * model.weights[wj + c];
    }
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, z[c]);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += z[c] = Math.exp(z[c] - max);
    for (let c = 0; c < k; c++) out[r * k + c] = z[c] / sum;
  }
  return out;
}

/** scikit-learn's class_weight='balanced': n / (classes present · count of the class), per row of `rows`. */
export function balancedWeights(labels: ArrayLike<number>, rows: ArrayLike<number>, classes: number): Float64Array {
  const counts = new Float64Array(classes);
  for (let i = 0; i < rows.length; i++) counts[labels[rows[i]]]++;
  const present = counts.filter((v) => v > 0).length;
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = rows.length / (present * counts[labels[rows[i]]]);
  return out;
}

function evaluate(model: LinearProbeModel, x: Float32Array, labels: ArrayLike<number>, rows: number[]): { accuracy: number; loss: number } {
  const probs = predictProbe(model, x, model.dim, rows);
  const k = model.classes;
  let correct = 0;
  let loss = 0;
  for (let r = 0; r < rows.length; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[r * k + c] > probs[r * k + best]) best = c;
    const y = labels[rows[r]];
    if (best === y) correct++;
    loss -= Math.log(Math.max(probs[r * k + y], 1e-15));
  }
  return { accuracy: rows.length ? correct / rows.length : NaN, loss: rows.length ? loss / rows.length : NaN };
}

/** The paper's search: 10^-6 … 10^6 by decades, then halving the step around the best down to 1/8 decade. */
const COARSE_EXPONENTS = Array.from({ length: 13 }, (_, i) => i - 6);
const REFINE_STEPS = [0.5, 0.25, 0.125];

const better = (a: CSweepPoint, b: CSweepPoint) => a.valAccuracy > b.valAccuracy || (a.valAccuracy === b.valAccuracy && a.valLoss < b.valLoss);

export async function fitLinearProbe(
  x: Float32Array,
  dim: number,
  labels: ArrayLike<number>,
  trainRows: number[],
  classes: number,
  s: LinearProbeSettings,
  control: ProbeControl,
): Promise<LinearProbeResult> {
  const { signal } = control;
  throwIfCancelled(signal);
  const explicit = s.cGrid !== 'auto';
  const grid = s.cGrid === 'auto' ? [] : [...s.cGrid].sort((a, b) => a - b);
  if (explicit && (grid.length === 0 || grid.some((c) => !(c > 0)))) throw new Error('The C grid needs positive values');
  for (const r of trainRows) {
    const y = labels[r];
    if (!(Number.isInteger(y) && y >= 0 && y < classes)) throw new Error(`Row ${r} has label ${y}, outside 0…${classes - 1}`);
  }
  const needsValidation = !explicit || grid.length > 1;
  if (needsValidation && !(s.validationShare > 0)) throw new Error('Choosing C needs a validation share above 0');
  const { train, val } = s.validationShare > 0 ? validationSplit(labels, trainRows, s.validationShare, s.seed) : { train: trainRows, val: [] };
  const problem = (rows: number[], c: number): ProbeProblem => ({
    x, dim, classes, rows, labels, c, sampleWeights: s.classWeighting ? balancedWeights(labels, rows, classes) : undefined,
  });

  const solutions = new Map<number, Float64Array>();
  const sweep: CSweepPoint[] = [];
  let iterations = 0;
  let done = 0;
  let total = explicit ? grid.length : COARSE_EXPONENTS.length + 2 * REFINE_STEPS.length;
  const totalWithRefit = () => total + (s.refitOnAllRows ? 1 : 0);

  /** Warm start: the solution of the already-fitted C nearest on a log scale. */
  const startFor = (c: number): Float64Array => {
    let best: Float64Array | undefined;
    let bestDistance = Infinity;
    for (const [fitted, theta] of solutions) {
      const distance = Math.abs(Math.log(fitted / c));
      if (distance < bestDistance) [best, bestDistance] = [theta, distance];
    }
    return best ?? new Float64Array(parameterCount(dim, classes));
  };
  const fit = async (rows: number[], c: number, stage: ProbeProgress['stage']) => {
    const p = problem(rows, c);
    // The optimizer sees the objective divided by the weight sum: scale the sum's stopping rules to match.
    const weightSum = p.sampleWeights ? p.sampleWeights.reduce((a, b) => a + b, 0) : rows.length;
    const result = await minimizeLbfgs((theta, grad) => probeLossGradient(p, theta, grad), startFor(c), {
      maxIterations: s.maxIterations,
      gradientTolerance: s.tolerance / weightSum,
      relativeTolerance: s.relativeTolerance,
      relativeFloor: 1 / weightSum,
      signal,
      yieldEveryMs: control.yieldEveryMs,
      onIteration: (iteration) => control.onProgress?.({ stage, done, total: totalWithRefit(), c, iteration }),
    });
    iterations += result.iterations;
    return result;
  };
  const fitAndScore = async (c: number): Promise<CSweepPoint> => {
    const existing = sweep.find((p) => p.c === c);
    if (existing) return existing;
    // A turn for the event loop between fits too: a sweep of small fits might never reach the time-based yield.
    await yieldToEvents();
    throwIfCancelled(signal);
    const result = await fit(train, c, 'sweep');
    solutions.set(c, result.x);
    const scores = val.length ? evaluate(modelFromParameters(result.x, dim, classes, c), x, labels, val) : { accuracy: NaN, loss: NaN };
    const point = { c, valAccuracy: scores.accuracy, valLoss: scores.loss, iterations: result.iterations };
    sweep.push(point);
    done++;
    control.onProgress?.({ stage: 'sweep', done, total: totalWithRefit(), c });
    return point;
  };

  let best: CSweepPoint | undefined;
  if (explicit) {
    for (const c of grid) {
      const point = await fitAndScore(c);
      if (!best || better(point, best)) best = point;
    }
  } else {
    // Ascending C: each fit starts from a more regularized (smaller) solution, the usual regularization path.
    for (const e of COARSE_EXPONENTS) {
      const point = await fitAndScore(10 ** e);
      if (!best || better(point, best)) best = point;
    }
    for (const step of REFINE_STEPS) {
      const centre = Math.log10(best!.c);
      for (const e of [centre - step, centre + step]) {
        if (e < -6 - 1e-9 || e > 6 + 1e-9) {
          total--;
          continue;
        }
        const point = await fitAndScore(10 ** e);
        if (better(point, best!)) best = point;
      }
    }
  }
  const chosenC = best!.c;
  let theta = solutions.get(chosenC)!;
  if (s.refitOnAllRows && val.length) {
    theta = (await fit([...train, ...val], chosenC, 'refit')).x;
    done++;
    control.onProgress?.({ stage: 'refit', done, total: totalWithRefit(), c: chosenC });
  }
  sweep.sort((a, b) => a.c - b.c);
  return {
    model: modelFromParameters(theta, dim, classes, chosenC),
    sweep,
    chosenC,
    iterations,
    trainRows: s.refitOnAllRows ? train.length + val.length : train.length,
    valRows: val.length,
  };
}

// ───────────────────────────── storage ─────────────────────────────

const MAGIC = 0x46_4c_50_31; // "FLP1"
const HEADER_BYTES = 24;

/** One ArrayBuffer (transferable, storable in IndexedDB): magic, dim, classes, (pad), C as Float64, weights, bias. */
export function serializeProbe(model: LinearProbeModel): ArrayBuffer {
  const buffer = new ArrayBuffer(HEADER_BYTES + 4 * (model.weights.length + model.bias.length));
  const view = new DataView(buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, model.dim, true);
  view.setUint32(8, model.classes, true);
  view.setFloat64(16, model.c, true);
  new Float32Array(buffer, HEADER_BYTES, model.weights.length).set(model.weights);
  new Float32Array(buffer, HEADER_BYTES + 4 * model.weights.length, model.bias.length).set(model.bias);
  return buffer;
}

export function deserializeProbe(buffer: ArrayBuffer): LinearProbeModel {
  const view = new DataView(buffer);
  if (buffer.byteLength < HEADER_BYTES || view.getUint32(0, true) !== MAGIC) throw new Error('Not a saved linear probe');
  const dim = view.getUint32(4, true);
  const classes = view.getUint32(8, true);
  if (buffer.byteLength !== HEADER_BYTES + 4 * (dim * classes + classes)) throw new Error('A saved linear probe of the wrong size');
  return {
    dim,
    classes,
    c: view.getFloat64(16, true),
    weights: new Float32Array(buffer.slice(HEADER_BYTES, HEADER_BYTES + 4 * dim * classes)),
    bias: new Float32Array(buffer.slice(HEADER_BYTES + 4 * dim * classes)),
  };
}
