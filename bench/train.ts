/**
 * train.forest: seconds per tree of a random forest on the full FER2013 training split as raw pixels (28,709 ×
 * 2,304, 0-1), grown in the train worker in headless Chromium, against scikit-learn's RandomForestClassifier
 * (n_jobs=1, the same max_features=sqrt, bootstrap, no max depth, min_samples_leaf=1) on the same images decoded
 * from the same zip with Pillow, in the same run; with both forests' test accuracy on the 7,178 test images.
 *
 * train.mlp-epoch: seconds per epoch of the default MLP (512 hidden, ReLU, dropout, Adam, batch 128) on 28,709 ×
 * 512 inputs, 7 classes, in headless Chromium (the train worker's backend) against scikit-learn's MLPClassifier with
 * the same layer, batch size, optimizer and epochs on the same machine (Debian's python3-sklearn), same run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { build } from 'vite';
import type { Diagnostics } from '../src/diagnostics/speedTest';
import { DEFAULT_FOREST } from '../src/train/forest';
import { startHarness } from '../e2e/harness';
import { record, type BenchRecord } from './lib';
import type { Scenario } from './lib';

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

const FER = new URL('../../shared/data/fer2013.zip', import.meta.url).pathname;
const FOREST_TREES = Number(process.env.FOREST_TREES ?? 10);

const SKLEARN_FOREST = `
import io, json, sys, time, zipfile
import numpy as np
from PIL import Image
from sklearn.ensemble import RandomForestClassifier
path, trees, min_leaf = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = {'train': ([], []), 'test': ([], [])}
with zipfile.ZipFile(path) as z:
    for info in z.infolist():
        parts = info.filename.split('/')
        if info.is_dir() or len(parts) < 3 or parts[0] not in data:
            continue
        data[parts[0]][0].append(np.asarray(Image.open(io.BytesIO(z.read(info))).convert('L'), dtype=np.uint8).reshape(-1))
        data[parts[0]][1].append(parts[1])
x, y = (np.stack(data['train'][0]).astype(np.float32) / 255, np.array(data['train'][1]))
xt, yt = (np.stack(data['test'][0]).astype(np.float32) / 255, np.array(data['test'][1]))
# warm_start adds one tree per fit call, so every tree is timed on its own.
model = RandomForestClassifier(n_estimators=0, max_features='sqrt', bootstrap=True, max_depth=None, min_samples_leaf=min_leaf,
                               n_jobs=1, random_state=0, warm_start=True)
seconds = []
for t in range(trees):
    model.n_estimators = t + 1
    started = time.perf_counter()
    model.fit(x, y)
    seconds.append(time.perf_counter() - started)
accuracy = float((model.predict(xt) == yt).mean())
depth = float(np.mean([e.get_depth() for e in model.estimators_]))
print(json.dumps({'train': len(y), 'test': len(yt), 'seconds': seconds, 'accuracy': accuracy, 'depth': depth}))
`;

async function runForest(): Promise<BenchRecord[]> {
  if (!existsSync(FER)) throw new Error(`${FER} is missing`);
  const settings = { ...DEFAULT_FOREST, trees: FOREST_TREES };
  const python = spawnSync('/usr/bin/python3', ['-c', SKLEARN_FOREST, FER, String(settings.trees), String(settings.minLeaf)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (python.status !== 0) throw new Error(`scikit-learn forest failed (apt-get install python3-sklearn python3-pil): ${python.stderr}`);
  const native = JSON.parse(python.stdout) as { train: number; test: number; seconds: number[]; accuracy: number; depth: number };
  await build({ logLevel: 'warn' });
  const harness = await startHarness();
  try {
    const page = await harness.newPage();
    const dataset = page.getByRole('region', { name: /Dataset/ });
    await dataset.getByLabel('FER2013 archive or CSV').setInputFiles(FER);
    await dataset.getByRole('status').filter({ hasText: /Imported fer2013\.zip/ }).first().waitFor({ timeout: 20 * 60_000 });
    const diagnostics = await harness.newPage('/diagnostics.html');
    const browser = await diagnostics.evaluate((s) => facetDiagnostics.forestSpeed(s), settings);
    if (browser.trainCount !== native.train || browser.testCount !== native.test) {
      throw new Error(`Different data: the browser saw ${browser.trainCount} train / ${browser.testCount} test images, Pillow ${native.train} / ${native.test}`);
    }
    const perTree = browser.msPerTree.map((ms) => ms / 1000);
    const nativeTotal = native.seconds.reduce((a, b) => a + b, 0);
    const browserFit = browser.binningSeconds + perTree.reduce((a, b) => a + b, 0);
    console.log(
      `  ${settings.trees} trees on ${native.train} × 2304 raw pixels. Browser: binning ${browser.binningSeconds.toFixed(1)} s, s/tree ${perTree.map((s) => s.toFixed(2)).join(', ')}, ` +
        `mean depth ${browser.meanDepth.toFixed(1)}, test ${(100 * browser.testAccuracy).toFixed(2)}%, OOB ${(100 * browser.oobAccuracy).toFixed(2)}%\n` +
        `  scikit-learn: s/tree ${native.seconds.map((s) => s.toFixed(2)).join(', ')}, mean depth ${native.depth.toFixed(1)}, test ${(100 * native.accuracy).toFixed(2)}%`,
    );
    const note =
      `random forest (sqrt features, bootstrap, no max depth, min leaf ${settings.minLeaf}; browser: ${settings.bins} quantile bins) on the ${native.train.toLocaleString('en-US')} FER2013 training faces as raw pixels (2,304 values), ` +
      `${settings.trees} trees: the train worker in headless Chromium vs scikit-learn RandomForestClassifier n_jobs=1 (time: lower is better; accuracy on the ${native.test.toLocaleString('en-US')} test faces)`;
    const sklearnMedian = record({ name: 'sklearn', unit: 's', n: native.train, samples: native.seconds }).median;
    return [
      record({ name: 'train.forest.raw-pixels.seconds-per-tree', unit: 's', n: native.train, samples: perTree, note }, { name: 'sklearn-randomforest-n_jobs-1', value: sklearnMedian }),
      record(
        { name: 'train.forest.raw-pixels.fit-seconds', unit: 's', n: native.train, samples: [browserFit], note },
        { name: 'sklearn-randomforest-n_jobs-1', value: nativeTotal },
      ),
      record(
        { name: 'train.forest.raw-pixels.test-accuracy', unit: '%', n: native.test, samples: [100 * browser.testAccuracy], note },
        { name: 'sklearn-randomforest-n_jobs-1', value: 100 * native.accuracy },
      ),
    ];
  } finally {
    await harness.close();
  }
}

export const trainScenarios: Scenario[] = [
  { name: 'train.mlp-epoch', run: runTrain },
  { name: 'train.forest', run: runForest },
];
