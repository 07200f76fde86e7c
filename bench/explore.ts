/**
 * explore.* scenarios: t-SNE of all 28,709 FER2013 training faces in headless Chromium (the Explore section's
 * worker: approximate kNN, FFT-accelerated repulsion, attraction on two threads) against scikit-learn's
 * Barnes-Hut TSNE (Debian's python3-sklearn, all cores through OpenMP) on the same data in the same run, both
 * 1,000 iterations, perplexity 30, PCA initialisation, learning rate "auto". Real CLIP embeddings are not
 * available offline: the data are the faces' pixels reduced by PCA to 50-d (numpy, once, outside the timing).
 * Quality for both, judged alike by Python: the share of each point's 10 nearest neighbours (exact, in the 50-d
 * data) that are among its 10 nearest on the map, and KL(P‖Q) with scikit-learn's P and the exact Q.
 * FACET_BENCH_EXPLORE_N=5000 runs the same on the first 5,000 faces (minutes less, for development).
 * openTSNE is not a baseline: Debian packages neither it nor FIt-SNE (`apt-cache search opentsne`: nothing).
 * explore.pan-36000: frames per second while panning 36,000 points (run alone with `npm run bench explore.pan-36000`).
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
const FULL_DATA = join(WORK, 'fer2013-train-pca50.npy');
const SUBSET = Number(process.env.FACET_BENCH_EXPLORE_N ?? 0) || undefined;
const DATA = SUBSET ? join(WORK, `fer2013-train-pca50-first-${SUBSET}.npy`) : FULL_DATA;
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

/** 10-NN preservation and exact KL(P‖Q) of each map, judged the same way. */
const quality = (...mapPaths: string[]) => JSON.parse(python('quality', DATA, '10', ...mapPaths)) as { preserved: number; kl: number }[];

async function runTsne(): Promise<BenchRecord[]> {
  mkdirSync(WORK, { recursive: true });
  if (!existsSync(FULL_DATA)) {
    console.log('  preparing the data (PCA of the training faces’ pixels to 50-d)…');
    python('prepare', ARCHIVE, FULL_DATA);
  }
  if (SUBSET && !existsSync(DATA)) python('subset', FULL_DATA, String(SUBSET), DATA);
  const { data, n, dim } = readNpy(DATA);
  await build({ logLevel: 'warn' });
  const harness = await startHarness();
  let ours: { positions: string; seconds: number; knnSeconds: number; kl: number; threads: number; repulsion: string };
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
        return { positions: btoa(text), seconds: result.seconds, knnSeconds: result.knnSeconds, kl: result.kl, threads: result.threads, repulsion: result.repulsion };
      },
      { base64: Buffer.from(data.buffer).toString('base64'), n, dim, settings: SETTINGS },
    );
    console.log(`  Chromium: ${ours.seconds.toFixed(1)} s (kNN ${ours.knnSeconds.toFixed(1)} s), ${ours.repulsion} repulsion, ${ours.threads} thread(s), its KL estimate ${ours.kl.toFixed(3)}`);
  } finally {
    await harness.close();
  }
  const oursMap = join(WORK, 'chromium-map.f32');
  writeFileSync(oursMap, Buffer.from(ours.positions, 'base64'));

  console.log('  scikit-learn TSNE on the same data…');
  const sklearnOut = join(WORK, 'sklearn.json');
  python('tsne', DATA, sklearnOut);
  const sklearn = JSON.parse(readFileSync(sklearnOut, 'utf8')) as { seconds: number; sklearn: string; threads: number; kl: number };
  console.log(`  scikit-learn ${sklearn.sklearn} (${sklearn.threads} threads): ${sklearn.seconds.toFixed(1)} s, its KL estimate ${sklearn.kl.toFixed(3)}`);
  const [oursQuality, sklearnQuality] = quality(oursMap, `${sklearnOut}.f32`);
  console.log(`  10-NN kept: ${oursQuality.preserved.toFixed(4)} vs ${sklearnQuality.preserved.toFixed(4)}; exact KL ${oursQuality.kl.toFixed(3)} vs ${sklearnQuality.kl.toFixed(3)}`);
  const scenario = SUBSET ? `fer2013-train-first-${SUBSET}` : 'fer2013-train';
  const note =
    `t-SNE of ${SUBSET ? 'the first ' : 'the '}${n.toLocaleString('en-US')} FER2013 training faces (pixels, PCA to 50-d), 1,000 iterations, perplexity 30: ` +
    `the Explore worker in headless Chromium (${ours.repulsion} repulsion, ${ours.threads} thread(s) for attraction) vs scikit-learn ${sklearn.sklearn} Barnes-Hut ` +
    `(python3, ${sklearn.threads} OpenMP threads) in the same run, on 2 cores other work may share (times are noisy); ` +
    'quality = share of 10 nearest neighbours kept; KL = KL(P‖Q) with scikit-learn’s P and the exact Q for both maps';
  const baseline = `sklearn-${sklearn.sklearn}.barnes-hut`;
  return [
    record({ name: `explore.tsne.${scenario}.seconds`, unit: 's', n, samples: [ours.seconds], note }, { name: baseline, value: sklearn.seconds }),
    record({ name: `explore.tsne.${scenario}.knn-seconds`, unit: 's', n, samples: [ours.knnSeconds], note }),
    record({ name: `explore.tsne.${scenario}.neighbours-kept`, unit: 'share', n, samples: [oursQuality.preserved], note }, { name: baseline, value: sklearnQuality.preserved }),
    record({ name: `explore.tsne.${scenario}.kl`, unit: 'nats', n, samples: [oursQuality.kl], note }, { name: baseline, value: sklearnQuality.kl }),
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
