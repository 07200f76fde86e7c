import { describe, expect, it } from 'vitest';
import {
  balancedWeights,
  DEFAULT_LINEAR_PROBE,
  deserializeProbe,
  fitLinearProbe,
  minimizeLbfgs,
  modelFromParameters,
  parameterCount,
  predictProbe,
  probeLossGradient,
  serializeProbe,
  type LinearProbeSettings,
  type ProbeProblem,
} from './linearProbe';
import { seededRandom } from '../lib/random';
import { isCancelled } from '../lib/rpc';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** `classes` Gaussian clusters in `dim` dimensions, centres `spread` apart on the axes, unit noise. */
function clusters(n: number, dim: number, classes: number, spread: number, seed: number) {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const x = new Float32Array(n * dim);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % classes;
    for (let j = 0; j < dim; j++) x[i * dim + j] = gauss() + (j % classes === labels[i] ? spread : 0);
  }
  return { x, labels };
}

function accuracy(model: ReturnType<typeof modelFromParameters>, x: Float32Array, labels: ArrayLike<number>, rows: number[]) {
  const p = predictProbe(model, x, model.dim, rows);
  const k = model.classes;
  let correct = 0;
  rows.forEach((r, i) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[i * k + c] > p[i * k + best]) best = c;
    if (best === labels[r]) correct++;
  });
  return correct / rows.length;
}

const signal = () => new AbortController().signal;

describe('probeLossGradient', () => {
  it('matches central finite differences, with sample weights and a short last block of rows (23 = 2 · 8 + 7)', () => {
    const { x, labels } = clusters(23, 5, 4, 1, 3);
    const rows = range(0, 23).reverse();
    const p: ProbeProblem = { x, dim: 5, classes: 4, rows, labels, c: 0.7, sampleWeights: balancedWeights(labels, rows, 4) };
    const random = seededRandom(9);
    const theta = Float64Array.from({ length: parameterCount(5, 4) }, () => random() - 0.5);
    const grad = new Float64Array(theta.length);
    probeLossGradient(p, theta, grad);
    const scratch = new Float64Array(theta.length);
    const h = 1e-6;
    for (let t = 0; t < theta.length; t++) {
      const plus = Float64Array.from(theta);
      const minus = Float64Array.from(theta);
      plus[t] += h;
      minus[t] -= h;
      const numeric = (probeLossGradient(p, plus, scratch) - probeLossGradient(p, minus, scratch)) / (2 * h);
      expect(Math.abs(grad[t] - numeric)).toBeLessThan(1e-7 * Math.max(1, Math.abs(numeric)));
    }
  });
});

describe('minimizeLbfgs', () => {
  it('reaches the optimum plain gradient descent reaches on a small convex problem', async () => {
    const { x, labels } = clusters(60, 3, 3, 1, 5);
    const p: ProbeProblem = { x, dim: 3, classes: 3, rows: range(0, 60), labels, c: 1 };
    const fn = (theta: Float64Array, g: Float64Array) => probeLossGradient(p, theta, g);
    const lbfgs = await minimizeLbfgs(fn, new Float64Array(parameterCount(3, 3)), { maxIterations: 500, gradientTolerance: 1e-10, relativeTolerance: 0 });

    // Gradient descent with Armijo backtracking, run long enough to converge.
    let theta = new Float64Array(parameterCount(3, 3));
    const g = new Float64Array(theta.length);
    const gNext = new Float64Array(theta.length);
    let f = fn(theta, g);
    let step = 1;
    for (let it = 0; it < 20_000; it++) {
      let g2 = 0;
      for (const v of g) g2 += v * v;
      if (g2 < 1e-24) break;
      for (;;) {
        const next = theta.map((v, i) => v - step * g[i]);
        const fNext = fn(next, gNext);
        if (fNext <= f - 0.5 * step * g2) {
          [theta, f] = [next, fNext];
          g.set(gNext);
          step *= 2;
          break;
        }
        step /= 2;
      }
    }
    expect(Math.abs(lbfgs.f - f)).toBeLessThan(1e-6);
    expect(lbfgs.reason).toBe('gradient');
    // Far fewer evaluations than gradient descent needs.
    expect(lbfgs.iterations).toBeLessThan(100);
  });
});

/*
 * Reference values from scikit-learn 1.2.1 (Debian's python3-sklearn); regenerate with /usr/bin/python3:
 *
 * import numpy as np
 * from scipy.optimize import minimize
 * from sklearn.linear_model import LogisticRegression
 * from sklearn.linear_model._linear_loss import LinearModelLoss
 * from sklearn._loss.loss import HalfMultinomialLoss
 * n, d = 90, 4
 * i = np.arange(n)[:, None]; j = np.arange(d)[None, :]
 * for labels, C, cw in [(np.arange(n) % 3, 0.5, None), (np.where(np.arange(n) % 5 < 3, 0, np.where(np.arange(n) % 5 == 3, 1, 2)), 2.0, 'balanced')]:
 *     x = (np.sin(1.3 * i + 0.7 * j + 1) + 0.8 * (labels[:, None] == j % 3)).astype(np.float32).astype(np.float64)
 *     m = LogisticRegression(C=C, multi_class='multinomial', solver='lbfgs', class_weight=cw, max_iter=10000).fit(x, labels)
 *     # sklearn stops at scipy's default relative decrease (coefficients good to ~1e-4): polish its solution on its
 *     # own objective (LinearModelLoss, as LogisticRegression calls it) to a 1e-10 gradient.
 *     sw = np.ones(n) if cw is None else (n / (3 * np.bincount(labels)))[labels]
 *     loss = LinearModelLoss(base_loss=HalfMultinomialLoss(n_classes=3), fit_intercept=True)
 *     w0 = np.hstack([m.coef_, m.intercept_[:, None]]).ravel(order='F')
 *     res = minimize(loss.loss_gradient, w0, method='L-BFGS-B', jac=True, args=(x, labels.astype(np.float64), sw, 1.0 / C),
 *                    options={'gtol': 1e-14, 'ftol': 0, 'maxiter': 10000})
 *     w = res.x.reshape(3, d + 1, order='F')
 *     print('C', C, 'max |coef change| by polishing', np.abs(w[:, :d] - m.coef_).max())
 *     print('coef', [[float('%.8g' % v) for v in row] for row in w[:, :d]])
 *     print('intercept', [float('%.8g' % v) for v in w[:, d]])
 *     print('objective / sum(sw)', '%.10g' % (res.fun / sw.sum()))
 */
const SKLEARN = [
  {
    name: 'three balanced classes, C = 0.5',
    label: (i: number) => i % 3,
    c: 0.5,
    classWeighting: false,
    coef: [
      [1.41619, -0.72786539, -0.7275379, 1.4165492],
      [-1.1430013, 1.7260295, -0.98696656, -0.26770399],
      [-0.27318874, -0.99816413, 1.7145045, -1.1488452],
    ],
    intercept: [-0.46354833, 0.22488303, 0.2386653],
    objective: 0.3312211824,
  },
  {
    name: "imbalanced classes with class_weight='balanced', C = 2",
    label: (i: number) => (i % 5 < 3 ? 0 : i % 5 === 3 ? 1 : 2),
    c: 2,
    classWeighting: true,
    coef: [
      [1.7203491, -1.208328, -1.1513182, 1.9524932],
      [-1.6273143, 2.6530799, -1.3108295, -0.08531703],
      [-0.093034759, -1.4447519, 2.4621477, -1.8671762],
    ],
    intercept: [-0.40024644, 0.077018773, 0.32322766],
    objective: 0.1443175875,
  },
];

describe('fitLinearProbe', () => {
  for (const ref of SKLEARN) {
    it(`finds scikit-learn's LogisticRegression(multinomial, lbfgs) solution: ${ref.name}`, async () => {
      const n = 90;
      const d = 4;
      const labels = Uint8Array.from(range(0, n), ref.label);
      const x = new Float32Array(n * d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = Math.sin(1.3 * i + 0.7 * j + 1) + (labels[i] === j % 3 ? 0.8 : 0);
      const s: LinearProbeSettings = { ...DEFAULT_LINEAR_PROBE, cGrid: [ref.c], validationShare: 0, classWeighting: ref.classWeighting, tolerance: 1e-10, relativeTolerance: 0 };
      const { model, chosenC, sweep } = await fitLinearProbe(x, d, labels, range(0, n), 3, s, { signal: signal() });
      expect(chosenC).toBe(ref.c);
      expect(sweep).toHaveLength(1);
      for (let k = 0; k < 3; k++) {
        for (let j = 0; j < d; j++) expect(model.weights[j * 3 + k]).toBeCloseTo(ref.coef[k][j], 5);
        expect(model.bias[k]).toBeCloseTo(ref.intercept[k], 5);
      }
      const rows = range(0, n);
      const theta = new Float64Array(parameterCount(d, 3));
      for (let k = 0; k < 3; k++) for (let j = 0; j < d; j++) theta[k * d + j] = model.weights[j * 3 + k];
      theta.set(model.bias, 3 * d);
      const objective = probeLossGradient(
        { x, dim: d, classes: 3, rows, labels, c: ref.c, sampleWeights: ref.classWeighting ? balancedWeights(labels, rows, 3) : undefined },
        theta,
        new Float64Array(theta.length),
      );
      expect(Math.abs(objective - ref.objective)).toBeLessThan(1e-9);
    });
  }

  it('separates well-separated clusters (~100% on held-out rows)', async () => {
    const { x, labels } = clusters(600, 16, 4, 4, 11);
    const { model, sweep } = await fitLinearProbe(x, 16, labels, range(0, 400), 4, { ...DEFAULT_LINEAR_PROBE, maxIterations: 200 }, { signal: signal() });
    expect(accuracy(model, x, labels, range(400, 600))).toBeGreaterThanOrEqual(0.99);
    // The coarse grid (13 decades) and up to 6 refinement points.
    expect(sweep.length).toBeGreaterThanOrEqual(13);
    expect(sweep.length).toBeLessThanOrEqual(19);
  });

  it('chooses the C with the best validation accuracy, refining around it, and returns the fit at that C', async () => {
    // Few noisy rows in many dimensions: the validation accuracy depends on C.
    const { x, labels } = clusters(240, 40, 3, 0.6, 21);
    const progress: number[] = [];
    const s = { ...DEFAULT_LINEAR_PROBE, validationShare: 0.3, tolerance: 1e-8 };
    const result = await fitLinearProbe(x, 40, labels, range(0, 240), 3, s, { signal: signal(), onProgress: (p) => p.iteration === undefined && progress.push(p.done) });
    const { sweep, chosenC, model } = result;
    const bestAccuracy = Math.max(...sweep.map((p) => p.valAccuracy));
    const best = sweep.filter((p) => p.valAccuracy === bestAccuracy).sort((a, b) => a.valLoss - b.valLoss)[0];
    expect(chosenC).toBe(best.c);
    expect(model.c).toBe(chosenC);
    expect(new Set(sweep.map((p) => p.valAccuracy)).size).toBeGreaterThan(1);
    // Every decade of the coarse grid, then points between decades, all within a decade of the chosen C.
    for (let e = -6; e <= 6; e++) expect(sweep.some((p) => Math.abs(Math.log10(p.c) - e) < 1e-9)).toBe(true);
    const refined = sweep.filter((p) => Math.abs(Math.log10(p.c) - Math.round(Math.log10(p.c))) > 1e-9);
    expect(refined.length).toBeGreaterThan(0);
    for (const p of refined) expect(Math.abs(Math.log10(p.c / chosenC))).toBeLessThanOrEqual(1);
    expect(progress).toEqual(range(1, sweep.length + 1));
    expect(result.trainRows + result.valRows).toBe(240);

    // The returned model is the fit at the chosen C on the training rows: a cold fit there scores the same.
    const cold = await fitLinearProbe(x, 40, labels, range(0, 240), 3, { ...s, cGrid: [chosenC] }, { signal: signal() });
    expect(cold.sweep[0].valAccuracy).toBe(best.valAccuracy);
    expect(cold.sweep[0].valLoss).toBeCloseTo(best.valLoss, 5);
  });

  it('refits the chosen C on training + validation rows when asked', async () => {
    const { x, labels } = clusters(200, 10, 3, 1, 4);
    const s = { ...DEFAULT_LINEAR_PROBE, cGrid: [0.01, 1], refitOnAllRows: true };
    const stages: string[] = [];
    const result = await fitLinearProbe(x, 10, labels, range(0, 200), 3, s, { signal: signal(), onProgress: (p) => stages.push(p.stage) });
    expect(result.trainRows).toBe(200);
    expect(stages.at(-1)).toBe('refit');
    const trainOnly = await fitLinearProbe(x, 10, labels, range(0, 200), 3, { ...s, refitOnAllRows: false, cGrid: [result.chosenC] }, { signal: signal() });
    expect(Array.from(result.model.weights)).not.toEqual(Array.from(trainOnly.model.weights));
  });

  it('stops with the cancellation error when aborted between iterations', async () => {
    const { x, labels } = clusters(300, 20, 3, 1, 8);
    const controller = new AbortController();
    let iterationsSeen = 0;
    const run = fitLinearProbe(x, 20, labels, range(0, 300), 3, DEFAULT_LINEAR_PROBE, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.iteration !== undefined && ++iterationsSeen === 3) controller.abort();
      },
    });
    const error = await run.catch((e: unknown) => e);
    expect(isCancelled(error)).toBe(true);
    expect(iterationsSeen).toBe(3);
  });

  it('rejects labels outside the classes', async () => {
    const { x, labels } = clusters(30, 2, 3, 1, 1);
    await expect(fitLinearProbe(x, 2, labels, range(0, 30), 2, { ...DEFAULT_LINEAR_PROBE, cGrid: [1] }, { signal: signal() })).rejects.toThrow(/label 2/);
  });

  it('rejects a C search without a validation split', async () => {
    const { x, labels } = clusters(30, 2, 3, 1, 1);
    await expect(fitLinearProbe(x, 2, labels, range(0, 30), 3, { ...DEFAULT_LINEAR_PROBE, validationShare: 0 }, { signal: signal() })).rejects.toThrow(/validation/);
  });
});

describe('serializeProbe', () => {
  it('round-trips a model through one ArrayBuffer, predictions included', async () => {
    const { x, labels } = clusters(90, 6, 3, 2, 2);
    const { model } = await fitLinearProbe(x, 6, labels, range(0, 90), 3, { ...DEFAULT_LINEAR_PROBE, cGrid: [0.3], validationShare: 0 }, { signal: signal() });
    const restored = deserializeProbe(serializeProbe(model));
    expect(restored.dim).toBe(6);
    expect(restored.classes).toBe(3);
    expect(restored.c).toBe(0.3);
    expect(Array.from(restored.weights)).toEqual(Array.from(model.weights));
    expect(Array.from(restored.bias)).toEqual(Array.from(model.bias));
    expect(Array.from(predictProbe(restored, x, 6, range(0, 90)))).toEqual(Array.from(predictProbe(model, x, 6, range(0, 90))));
    expect(() => deserializeProbe(new ArrayBuffer(40))).toThrow(/linear probe/);
    expect(() => deserializeProbe(serializeProbe(model).slice(0, 60))).toThrow(/size/);
  });
});
