/**
 * train.* scenarios: seconds per epoch of the default MLP (512 hidden, ReLU, dropout, Adam, batch 128) on 28,709 ×
 * 512 inputs, 7 classes, in headless Chromium (the train worker's backend) against scikit-learn's MLPClassifier with
 * the same layer, batch size, optimizer and epochs on the same machine (Debian's python3-sklearn), same run.
 */
import { spawnSync } from 'node:child_process';
import { build } from 'vite';
import type { Diagnostics } from '../src/diagnostics/speedTest';
import { startHarness } from '../e2e/harness';
import { record, type BenchRecord } from './lib';
import type { Scenario } from './run';

declare const facetDiagnostics: Diagnostics;

const N = 28_709;
const DIM = 512;
const EPOCHS = 3;

const SKLEARN = `
import sys, time, warnings
import numpy as np
from sklearn.neural_network import MLPClassifier
warnings.filterwarnings('ignore')
n, dim, epochs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(1)
x = rng.uniform(-1, 1, (n, dim)).astype(np.float32)
y = np.arange(n) % 7
times = []
model = MLPClassifier(hidden_layer_sizes=(512,), activation='relu', solver='adam', alpha=1e-4, batch_size=128,
                      learning_rate_init=1e-3, max_iter=1, shuffle=True, random_state=1, warm_start=True)
for epoch in range(epochs):
    started = time.perf_counter()
    model.fit(x, y)
    times.append(time.perf_counter() - started)
print(' '.join(str(t) for t in times))
`;

async function runTrain(): Promise<BenchRecord[]> {
  const native = spawnSync('/usr/bin/python3', ['-c', SKLEARN, String(N), String(DIM), String(EPOCHS)], { encoding: 'utf8' });
  if (native.status !== 0) throw new Error(`scikit-learn baseline failed (apt-get install python3-sklearn): ${native.stderr}`);
  const nativeSeconds = native.stdout.trim().split(/\s+/).map(Number);
  await build({ logLevel: 'warn' });
  const harness = await startHarness();
  try {
    const page = await harness.newPage('/diagnostics.html');
    const result = await page.evaluate(([n, dim, epochs]) => facetDiagnostics.trainSpeed(n, dim, epochs), [N, DIM, EPOCHS] as const);
    const nativeMedian = record({ name: 'sklearn', unit: 's', n: N, samples: nativeSeconds }).median;
    const browser = result.msPerEpoch.map((ms) => ms / 1000);
    console.log(`  browser (${result.backend}) s/epoch: ${browser.map((s) => s.toFixed(2)).join(', ')}; scikit-learn: ${nativeSeconds.map((s) => s.toFixed(2)).join(', ')}`);
    return [
      record(
        {
          name: `train.mlp.default.${result.backend}.seconds-per-epoch`,
          unit: 's',
          n: N,
          samples: browser,
          note: `default MLP (512 ReLU, dropout 0.3, Adam, batch 128) on ${N.toLocaleString('en-US')} × ${DIM} synthetic inputs, 7 classes: TensorFlow.js in headless Chromium vs scikit-learn MLPClassifier (lower is better)`,
        },
        { name: 'sklearn-mlpclassifier', value: nativeMedian },
      ),
    ];
  } finally {
    await harness.close();
  }
}

export const trainScenarios: Scenario[] = [{ name: 'train.mlp-epoch', run: runTrain }];
