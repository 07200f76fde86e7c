/**
 * cli.* scenarios: embedding a dataset end to end (read, preprocess, encode, store) with `facet embed` (onnxruntime-
 * node, CPU) against the notebook's Embed section in headless Chromium (onnxruntime-web, WASM), same model file,
 * same faces (fer2013-mini's 384 distinct images), same machine, same run. Uses the generated `vit-b-32` model (the
 * real architecture with random weights: speed does not depend on the weights' values).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { startHarness } from '../e2e/harness';
import { embedDataset, importDataset, loadModel, MINI } from '../e2e/steps';
import { ensureModel } from './embed';
import { record, type BenchRecord } from './lib';
import type { Scenario } from './lib';

const PRESET = 'vit-b-32';
const IMAGES = 384;
const ROUNDS = 3;

function cliImagesPerSecond(out: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', 'src/cli/main.ts', 'embed', MINI, '--model', `models/${PRESET}`, '--precision', 'quantized', '--out', out, '--no-zero-shot', '--restart'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('close', (status) => {
      const rate = /384 now at ([\d.]+) img\/s/.exec(stderr)?.[1];
      if (status !== 0 || !rate) reject(new Error(`facet embed failed (${status}):\n${stderr}`));
      else resolve(Number(rate));
    });
  });
}

export interface BrowserRun {
  /** images per second from "Embed dataset" to "All … embedded", as the user waits for it */
  endToEnd: number;
  /** the Embed section's own account of the run: its rate, and the share of it its encoder sessions were busy */
  reportedRate: number;
  encoderBusy: number;
  sessions: number;
}

/** The Embed section in headless Chromium: fer2013-mini imported, the model loaded, then "Embed dataset" timed to the end. */
export async function browserImagesPerSecond(): Promise<BrowserRun> {
  const harness = await startHarness();
  try {
    const page = await harness.newPage();
    await importDataset(page);
    await loadModel(page, `${harness.url}/models/${PRESET}/`, { precision: 'quantized', timeout: 600_000 });
    await page.getByRole('region', { name: /Embed/ }).getByLabel(/Stratified sample first/).fill('0');
    const started = performance.now();
    await embedDataset(page, IMAGES, 1_800_000);
    const endToEnd = (IMAGES * 1000) / (performance.now() - started);
    const message = await page.getByRole('region', { name: /Embed/ }).getByRole('status').innerText();
    const reported = /([\d.]+) img\/s(?: on (\d+) sessions)?, encoding (\d+)% of the time/.exec(message);
    if (!reported) throw new Error(`The Embed section did not report its run: ${message}`);
    await page.close();
    return { endToEnd, reportedRate: Number(reported[1]), sessions: Number(reported[2] ?? 1), encoderBusy: Number(reported[3]) / 100 };
  } finally {
    await harness.close();
  }
}

async function runCliVsBrowser(): Promise<BenchRecord[]> {
  ensureModel();
  await build({ logLevel: 'warn' });
  const out = join(mkdtempSync(join(tmpdir(), 'facet-bench-cli-')), 'mini.zip');
  // Native and browser runs alternate, so the load of other jobs on a shared machine falls on both alike.
  const cli: number[] = [];
  const runs: BrowserRun[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    cli.push(await cliImagesPerSecond(out));
    runs.push(await browserImagesPerSecond());
    console.log(`  round ${round + 1}: facet embed ${cli.at(-1)!.toFixed(2)} img/s, Embed section ${runs.at(-1)!.endToEnd.toFixed(2)} img/s`);
  }
  cli.push(await cliImagesPerSecond(out));
  const browser = runs.map((r) => r.endToEnd);
  const cliMedian = record({ name: 'cli', unit: 'img/s', n: IMAGES, samples: cli }).median;
  const browserMedian = record({ name: 'browser', unit: 'img/s', n: IMAGES, samples: browser }).median;
  // The time the Embed section spends on anything but its encoder sessions (reading faces, bicubic preprocessing,
  // storing vectors, messaging), as a share of their encoding time, from the run's own timing: idle / busy.
  const overhead = runs.map((r) => 100 * (1 / r.encoderBusy - 1));
  const sessions = runs[0].sessions;
  const note = `Embedding fer2013-mini (${IMAGES} faces) end to end with the generated vit-b-32 model, int8, all cores: facet embed (onnxruntime-node CPU, ${availableParallelism()} threads) vs the Embed section in headless Chromium (onnxruntime-web WASM, ${sessions} session${sessions === 1 ? '' : 's'}), including preprocessing and storage; runs alternate`;
  return [
    record({ name: `cli.embed.${PRESET}.int8`, unit: 'img/s', n: IMAGES, samples: cli, note }, { name: 'browser Embed section', value: browserMedian }),
    record({ name: `embed.end-to-end.${PRESET}.int8.wasm`, unit: 'img/s', n: IMAGES, samples: browser, note }, { name: 'facet embed (onnxruntime-node)', value: cliMedian }),
    record({
      name: `embed.overhead-share.${PRESET}.int8.wasm`,
      unit: '%',
      n: IMAGES,
      samples: overhead,
      note: 'Embed section overhead (reading faces, preprocessing, storage, messaging) as a share of inference time, timed inside the run: the time its encoder sessions sat idle against the time they encoded (goal under 10%)',
    }),
  ];
}

export const cliScenarios: Scenario[] = [{ name: 'cli.vs-browser', run: runCliVsBrowser }];
