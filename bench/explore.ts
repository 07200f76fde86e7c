/**
 * explore.* scenarios: t-SNE of all 28,709 FER2013 training faces in headless Chromium (the Explore section's
 * worker: approximate kNN + Barnes-Hut) against scikit-learn's Barnes-Hut TSNE (Debian's python3-sklearn) on the
 * same data in the same run, both 1,000 iterations, perplexity 30, PCA initialisation, learning rate "auto".
 * Real CLIP embeddings are not available offline: the data are the faces' pixels reduced by PCA to 50-d (numpy,
 * once, outside the timing). Quality for both: the share of each point's 10 nearest neighbours (exact, in the
 * 50-d data) that are among its 10 nearest on the map. explore.pan-36000: frames per second while panning 36,000
 * points (run alone with `npm run bench explore.pan-36000`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { startHarness } from '../e2e/harness';
import { record, type BenchRecord } from './lib';
import type { Scenario } from './lib';
import type { ProjectWorker } from '../src/explore/projectWorker';
import type { panFramesPerSecond } from '../src/explore/panSpeed';

declare const facetProjection: { worker: ProjectWorker; panFramesPerSecond: typeof panFramesPerSecond };

const PYTHON = '/usr/bin/python3'; // Debian's, with numpy, PIL and sklearn
const ARCHIVE = new URL('../../shared/data/fer2013.zip', import.meta.url).pathname;
const WORK = join(tmpdir(), 'facet-bench-explore');
const DATA = join(WORK, 'fer2013-train-pca50.npy');
const SETTINGS = { perplexity: 30, seed: 1, iterations: 1000 };

function python(...args: string[]): string {
  const result = spawnSync(PYTHON, ['bench/explore_sklearn.py', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`explore_sklearn.py ${args[0]} failed: ${result.stderr}`);
  return result.stdout;
}

/** The .npy float32 [n, 50] written by `prepare`. */
function readNpy(path: string): { data: Float32Array; n: number; dim: number } {
  const bytes = readFileSync(path);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  const [n, dim] = /'shape': \((\d+), (\d+)\)/.exec(header)!.slice(1).map(Number);
  const body = bytes.subarray(10 + headerLength);
  return { data: new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length)), n, dim };
}

const quality = (mapPath: string) => (JSON.parse(python('quality', DATA, mapPath, '10')) as { preserved: number }).preserved;

async function runTsne(): Promise<BenchRecord[]> {
  mkdirSync(WORK, { recursive: true });
  if (!existsSync(DATA)) {
    console.log('  preparing the data (PCA of the training faces’ pixels to 50-d)…');
    python('prepare', ARCHIVE, DATA);
  }
  const { data, n, dim } = readNpy(DATA);
  await build({ logLevel: 'warn' });
  const harness = await startHarness();
  let ours: { positions: string; seconds: number; knnSeconds: number; kl: number };
  try {
    const page = await harness.newPage('/diagnostics.html');
    console.log(`  t-SNE of ${n} × ${dim} in Chromium…`);
    ours = await page.evaluate(
      async ({ base64, n, dim, settings }) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const result = await facetProjection.worker.tsneOnData({ data: new Float32Array(bytes.buffer), n, dim, settings });
        const out = new Uint8Array(Float32Array.from(result.positions).buffer);
        let text = '';
        for (let i = 0; i < out.length; i += 0x8000) text += String.fromCharCode(...out.subarray(i, i + 0x8000));
        return { positions: btoa(text), seconds: result.seconds, knnSeconds: result.knnSeconds, kl: result.kl };
      },
      { base64: Buffer.from(data.buffer).toString('base64'), n, dim, settings: SETTINGS },
    );
    console.log(`  Chromium: ${ours.seconds.toFixed(1)} s (kNN ${ours.knnSeconds.toFixed(1)} s), KL ${ours.kl.toFixed(3)}`);
  } finally {
    await harness.close();
  }
  const oursMap = join(WORK, 'chromium-map.f32');
  writeFileSync(oursMap, Buffer.from(ours.positions, 'base64'));

  console.log('  scikit-learn TSNE on the same data…');
  const sklearnOut = join(WORK, 'sklearn.json');
  python('tsne', DATA, sklearnOut);
  const sklearn = JSON.parse(readFileSync(sklearnOut, 'utf8')) as { seconds: number; sklearn: string };
  console.log(`  scikit-learn ${sklearn.sklearn}: ${sklearn.seconds.toFixed(1)} s`);
  const oursQuality = quality(oursMap);
  const sklearnQuality = quality(`${sklearnOut}.f32`);
  const note =
    `t-SNE of the ${n.toLocaleString('en-US')} FER2013 training faces (pixels, PCA to 50-d), 1,000 iterations, perplexity 30: ` +
    `the Explore worker in headless Chromium vs scikit-learn ${sklearn.sklearn} Barnes-Hut (python3) in the same run; quality = share of 10 nearest neighbours kept`;
  return [
    record({ name: 'explore.tsne.fer2013-train.seconds', unit: 's', n, samples: [ours.seconds], note }, { name: `sklearn-${sklearn.sklearn}.barnes-hut`, value: sklearn.seconds }),
    record({ name: 'explore.tsne.fer2013-train.knn-seconds', unit: 's', n, samples: [ours.knnSeconds], note }),
    record({ name: 'explore.tsne.fer2013-train.neighbours-kept', unit: 'share', n, samples: [oursQuality], note }, { name: `sklearn-${sklearn.sklearn}.barnes-hut`, value: sklearnQuality }),
  ];
}

async function runPan(): Promise<BenchRecord[]> {
  await build({ logLevel: 'warn' });
  const harness = await startHarness();
  try {
    const page = await harness.newPage('/diagnostics.html');
    const runs = [];
    for (let run = 0; run < 3; run++) runs.push(await page.evaluate(() => facetProjection.panFramesPerSecond(36_000, 3000)));
    const note = 'panning 36,000 points drawn as the Explore map draws them, 3 s per run (requestAnimationFrame in headless Chromium: at most the display rate)';
    return [
      record({ name: 'explore.pan.36000-points.fps', unit: 'fps', n: 36_000, samples: runs.map((r) => r.fps), note }),
      record({ name: 'explore.pan.36000-points.draw-ms', unit: 'ms', n: 36_000, samples: runs.map((r) => r.msPerFrame), note }),
    ];
  } finally {
    await harness.close();
  }
}

export const exploreScenarios: Scenario[] = [
  { name: 'explore.tsne-fer2013', run: runTsne },
  { name: 'explore.pan-36000', run: runPan },
];
