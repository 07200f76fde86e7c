/**
 * train.probe: the linear probe (src/train/linearProbe.ts) in Node on 28,709 × 512 CLIP-like features, 7 classes
 * (class means on random directions plus noise, L2-normalized like CLIP embeddings), against scikit-learn's
 * LogisticRegression(C, multinomial, lbfgs) on the same .npy in the same run (Debian's python3-sklearn, BLAS held to
 * one thread like the JS code; the two-thread time is printed too):
 * - one loss + gradient evaluation (the inner cost of every L-BFGS iteration) vs sklearn's LinearModelLoss.loss_gradient;
 * - one whole fit at C = 1 with each side's default stopping rule (iterations and objective printed beside);
 * - the whole C search ('auto': 19 fits on the training rows minus a 10% validation split): scikit-learn fits the same
 *   Cs on the same rows in ascending order with warm_start=True (Facet warm-starts from the nearest C fitted).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../src/lib/npy';
import { seededRandom } from '../src/lib/random';
import { DEFAULT_LINEAR_PROBE, fitLinearProbe, parameterCount, probeLossGradient } from '../src/train/linearProbe';
import { validationSplit } from '../src/train/split';
import { record, type BenchRecord } from './lib';
import type { Scenario } from './run';

const N = 28_709;
const DIM = 512;
const CLASSES = 7;
const C = 1;
const EVALUATIONS = 10;
// Class signal against unit noise: about 60% training accuracy, far from separable, like CLIP features of FER2013.
const SIGNAL = 0.06;

const SKLEARN = `
import json, sys, time, warnings
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.linear_model._linear_loss import LinearModelLoss
from sklearn._loss.loss import HalfMultinomialLoss
warnings.filterwarnings('ignore')
x = np.load(sys.argv[1]).astype(np.float64)
y = np.load(sys.argv[2]).reshape(-1).astype(np.int64)
C, evaluations, classes = float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
loss = LinearModelLoss(base_loss=HalfMultinomialLoss(n_classes=classes), fit_intercept=True)
w = np.zeros((classes, x.shape[1] + 1)).ravel(order='F')
sw = np.ones(len(y))
evaluation_ms, evaluation_cpu_ms = [], []
for _ in range(evaluations):
    started, cpu = time.perf_counter(), time.process_time()
    loss.loss_gradient(w, x, y.astype(np.float64), sw, 1.0 / C)
    evaluation_ms.append(1000 * (time.perf_counter() - started))
    evaluation_cpu_ms.append(1000 * (time.process_time() - cpu))
started = time.perf_counter()
m = LogisticRegression(C=C, multi_class='multinomial', solver='lbfgs', max_iter=1000).fit(x, y)
fit_seconds = time.perf_counter() - started
fit_iterations, fit_accuracy = int(m.n_iter_[0]), float((m.predict(x) == y).mean())
z = x @ m.coef_.T + m.intercept_
ce = np.logaddexp.reduce(z, axis=1) - z[np.arange(len(y)), y]
objective = (ce.sum() + 0.5 / C * (m.coef_ ** 2).sum()) / len(y)
sweep_seconds, sweep_cpu_seconds, chosen = None, None, None
if len(sys.argv) > 6:
    train = np.load(sys.argv[6]).reshape(-1).astype(np.int64)
    val = np.load(sys.argv[7]).reshape(-1).astype(np.int64)
    cs = [float(c) for c in sys.argv[8].split(',')]
    m = LogisticRegression(multi_class='multinomial', solver='lbfgs', max_iter=1000, warm_start=True)
    best = None
    started, cpu = time.perf_counter(), time.process_time()
    for c in sorted(cs):
        m.set_params(C=c).fit(x[train], y[train])
        accuracy = float((m.predict(x[val]) == y[val]).mean())
        if best is None or accuracy > best[0]:
            best = (accuracy, c)
    sweep_seconds, sweep_cpu_seconds, chosen = time.perf_counter() - started, time.process_time() - cpu, best[1]
print(json.dumps({'evaluation_ms': evaluation_ms, 'evaluation_cpu_ms': evaluation_cpu_ms, 'sweep_cpu_seconds': sweep_cpu_seconds, 'fit_seconds': fit_seconds, 'iterations': fit_iterations, 'objective': objective,
                  'accuracy': fit_accuracy, 'sweep_seconds': sweep_seconds, 'chosen': chosen}))
`;

/** CLIP-like features: each class a random unit direction, each row SIGNAL × its class's direction + Gaussian noise, L2-normalized. */
function clipLike(seed: number) {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const means = Array.from({ length: CLASSES }, () => {
    const v = Float64Array.from({ length: DIM }, gauss);
    const norm = Math.hypot(...v);
    return v.map((a) => a / norm);
  });
  const x = new Float32Array(N * DIM);
  const labels = new Uint8Array(N);
  const row = new Float64Array(DIM);
  for (let i = 0; i < N; i++) {
    labels[i] = Math.floor(random() * CLASSES);
    let norm = 0;
    for (let j = 0; j < DIM; j++) {
      row[j] = SIGNAL * means[labels[i]][j] + gauss() / Math.sqrt(DIM);
      norm += row[j] * row[j];
    }
    norm = Math.sqrt(norm);
    for (let j = 0; j < DIM; j++) x[i * DIM + j] = row[j] / norm;
  }
  return { x, labels };
}

function python(dir: string, threads: number, sweepCs?: number[]) {
  const sweepArgs = sweepCs ? [join(dir, 'train.npy'), join(dir, 'val.npy'), sweepCs.join(',')] : [];
  const result = spawnSync('/usr/bin/python3', ['-c', SKLEARN, join(dir, 'x.npy'), join(dir, 'y.npy'), String(C), String(EVALUATIONS), String(CLASSES), ...sweepArgs], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) },
  });
  if (result.status !== 0) throw new Error(`scikit-learn baseline failed (apt-get install python3-sklearn): ${result.stderr}`);
  return JSON.parse(result.stdout) as {
    evaluation_ms: number[];
    evaluation_cpu_ms: number[];
    sweep_cpu_seconds: number | null;
    fit_seconds: number;
    iterations: number;
    objective: number;
    accuracy: number;
    sweep_seconds: number | null;
    chosen: number | null;
  };
}

async function runProbe(): Promise<BenchRecord[]> {
  const { x, labels } = clipLike(7);
  const dir = mkdtempSync(join(tmpdir(), 'facet-probe-'));
  try {
    writeFileSync(join(dir, 'x.npy'), writeNpy(x, N, DIM));
    writeFileSync(join(dir, 'y.npy'), writeNpy(Float32Array.from(labels), N, 1));
    const rows = Array.from({ length: N }, (_, i) => i);
    const problem = { x, dim: DIM, classes: CLASSES, rows, labels, c: C };
    const theta = new Float64Array(parameterCount(DIM, CLASSES));
    const grad = new Float64Array(theta.length);
    probeLossGradient(problem, theta, grad); // warm-up: let V8 optimize the kernel
    const evaluationMs: number[] = [];
    const evaluationCpuMs: number[] = [];
    for (let r = 0; r < EVALUATIONS; r++) {
      const started = performance.now();
      const cpu = process.cpuUsage();
      probeLossGradient(problem, theta, grad);
      evaluationMs.push(performance.now() - started);
      evaluationCpuMs.push(process.cpuUsage(cpu).user / 1000);
    }

    const started = performance.now();
    const fit = await fitLinearProbe(x, DIM, labels, rows, CLASSES, { ...DEFAULT_LINEAR_PROBE, cGrid: [C], validationShare: 0 }, { signal: new AbortController().signal });
    const fitSeconds = (performance.now() - started) / 1000;
    const fitted = new Float64Array(theta.length);
    for (let k = 0; k < CLASSES; k++) for (let j = 0; j < DIM; j++) fitted[k * DIM + j] = fit.model.weights[j * CLASSES + k];
    fitted.set(fit.model.bias, CLASSES * DIM);
    const objective = probeLossGradient(problem, fitted, grad);

    const sweepStarted = performance.now();
    const sweepCpu = process.cpuUsage();
    const search = await fitLinearProbe(x, DIM, labels, rows, CLASSES, DEFAULT_LINEAR_PROBE, { signal: new AbortController().signal });
    const sweepSeconds = (performance.now() - sweepStarted) / 1000;
    const sweepCpuSeconds = process.cpuUsage(sweepCpu).user / 1e6;
    const { train, val } = validationSplit(labels, rows, DEFAULT_LINEAR_PROBE.validationShare, DEFAULT_LINEAR_PROBE.seed);
    writeFileSync(join(dir, 'train.npy'), writeNpy(Float32Array.from(train), train.length, 1));
    writeFileSync(join(dir, 'val.npy'), writeNpy(Float32Array.from(val), val.length, 1));

    // scikit-learn after Node, so the JS figures are not taken while BLAS threads may still be winding down.
    const cs = search.sweep.map((p) => p.c);
    const native = python(dir, 1, cs);
    const nativeTwoThreads = python(dir, 2);

    console.log(
      `  loss+gradient ms: node ${evaluationMs.map((v) => v.toFixed(0)).join(', ')}; sklearn 1 thread ${native.evaluation_ms.map((v) => v.toFixed(0)).join(', ')}; ` +
        `2 threads ${nativeTwoThreads.evaluation_ms.map((v) => v.toFixed(0)).join(', ')}\n` +
        `  fit at C=${C}: node ${fitSeconds.toFixed(2)} s, ${fit.iterations} iterations, objective ${objective.toFixed(8)}; ` +
        `sklearn 1 thread ${native.fit_seconds.toFixed(2)} s, ${native.iterations} iterations, objective ${native.objective.toFixed(8)}, training accuracy ${(100 * native.accuracy).toFixed(2)}%; ` +
        `2 threads ${nativeTwoThreads.fit_seconds.toFixed(2)} s\n` +
        `  C search (${cs.length} Cs): node ${sweepSeconds.toFixed(1)} s (CPU ${sweepCpuSeconds.toFixed(1)} s), ${search.iterations} iterations, chose C = ${search.chosenC.toPrecision(3)}; ` +
        `sklearn 1 thread ${native.sweep_seconds!.toFixed(1)} s (CPU ${native.sweep_cpu_seconds!.toFixed(1)} s), chose C = ${native.chosen!.toPrecision(3)}`,
    );
    const note =
      `linear probe (multinomial logistic regression, L-BFGS) on ${N.toLocaleString('en-US')} × ${DIM} CLIP-like features, ${CLASSES} classes, in Node vs ` +
      `scikit-learn LogisticRegression(multinomial, lbfgs) with BLAS on 1 thread, same data, same run (fit: C = ${C}, each side's default stopping rule)`;
    const nativeEvaluation = record({ name: 'sklearn', unit: 'ms', n: N, samples: native.evaluation_ms }).median;
    const nativeEvaluationCpu = record({ name: 'sklearn', unit: 'ms', n: N, samples: native.evaluation_cpu_ms }).median;
    // The machine is shared: CPU time (one thread on both sides) is the figure that other processes disturb least.
    const cpuNote = `${note}; CPU time of the process (both single-threaded), less disturbed by other work on a shared machine than wall time`;
    return [
      record({ name: 'train.probe.loss-gradient-ms', unit: 'ms', n: N, samples: evaluationMs, note }, { name: 'sklearn-linearmodelloss-1-thread', value: nativeEvaluation }),
      record({ name: 'train.probe.fit-seconds', unit: 's', n: N, samples: [fitSeconds], note }, { name: 'sklearn-logisticregression-1-thread', value: native.fit_seconds }),
      record({ name: 'train.probe.c-search-seconds', unit: 's', n: N, samples: [sweepSeconds], note }, { name: 'sklearn-warm-start-1-thread', value: native.sweep_seconds! }),
      record({ name: 'train.probe.loss-gradient-cpu-ms', unit: 'ms', n: N, samples: evaluationCpuMs, note: cpuNote }, { name: 'sklearn-linearmodelloss-1-thread', value: nativeEvaluationCpu }),
      record({ name: 'train.probe.c-search-cpu-seconds', unit: 's', n: N, samples: [sweepCpuSeconds], note: cpuNote }, { name: 'sklearn-warm-start-1-thread', value: native.sweep_cpu_seconds! }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const probeScenarios: Scenario[] = [{ name: 'train.probe', run: runProbe }];
