/**
 * cli.* scenarios: embedding a dataset end to end (read, preprocess, encode, store) with `facet embed` (onnxruntime-
 * node, CPU) against the notebook's Embed section in headless Chromium (onnxruntime-web, WASM), same model file,
 * same faces (fer2013-mini's 384 distinct images), same machine, same run. Uses the generated `vit-b-32` model (the
 * real architecture with random weights: speed does not depend on the weights' values).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { startHarness } from '../e2e/harness';
import { embedDataset, importDataset, loadModel, MINI } from '../e2e/steps';
import { ensureModel } from './embed';
import { record, type BenchRecord } from './lib';
import type { Scenario } from './run';
import type { Diagnostics } from '../src/diagnostics/speedTest';

declare const facetDiagnostics: Diagnostics;

const PRESET = 'vit-b-32';
const IMAGES = 384;

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

/** Inference alone, batch 16 as the Embed section runs it, in the same browser profile (the model is cached). */
async function browserInferenceImagesPerSecond(harness: Awaited<ReturnType<typeof startHarness>>): Promise<number[]> {
  const page = await harness.newPage('/diagnostics.html');
  await page.evaluate((baseUrl) => facetDiagnostics.loadVision({ baseUrl, precision: 'quantized', backend: 'wasm' }), `/models/${PRESET}/`);
  const result = await page.evaluate(() => facetDiagnostics.speedTest(16, 4));
  await page.close();
  return result.msPerBatch.map((ms) => (16 * 1000) / ms);
}

/**
 * The Embed section in headless Chromium: fer2013-mini imported, the model loaded, then "Embed dataset" timed to the
 * end; with `inference`, also the encoder alone in the same browser profile.
 */
export async function browserImagesPerSecond(options: { inference?: boolean } = {}): Promise<{ endToEnd: number; inference?: number[] }> {
  const harness = await startHarness();
  try {
    const page = await harness.newPage();
    await importDataset(page);
    await loadModel(page, `${harness.url}/models/${PRESET}/`, { precision: 'quantized', timeout: 600_000 });
    await page.getByRole('region', { name: /Embed/ }).getByLabel(/Stratified sample first/).fill('0');
    const started = performance.now();
    await embedDataset(page, IMAGES, 1_800_000);
    const endToEnd = (IMAGES * 1000) / (performance.now() - started);
    await page.close();
    return { endToEnd, inference: options.inference ? await browserInferenceImagesPerSecond(harness) : undefined };
  } finally {
    await harness.close();
  }
}

async function runCliVsBrowser(): Promise<BenchRecord[]> {
  ensureModel();
  await build({ logLevel: 'warn' });
  const out = join(mkdtempSync(join(tmpdir(), 'facet-bench-cli-')), 'mini.zip');
  const cli = [await cliImagesPerSecond(out), await cliImagesPerSecond(out)];
  const measured = await browserImagesPerSecond({ inference: true });
  const browser = [measured.endToEnd];
  const cliMedian = record({ name: 'cli', unit: 'img/s', n: IMAGES, samples: cli }).median;
  const browserMedian = browser[0];
  const inference = record({ name: 'inference', unit: 'img/s', n: 16, samples: measured.inference! }).median;
  // The time the Embed section spends on anything but the encoder (reading faces, bicubic preprocessing, storing
  // vectors, messaging), as a share of the encoder's own time: 1/endToEnd = (1 + share) / inference.
  const overheadShare = 100 * (inference / browserMedian - 1);
  const note = `Embedding fer2013-mini (${IMAGES} faces) end to end with the generated vit-b-32 model, int8, all cores: facet embed (onnxruntime-node CPU) vs the Embed section in headless Chromium (onnxruntime-web WASM), including preprocessing and storage`;
  return [
    record({ name: `cli.embed.${PRESET}.int8`, unit: 'img/s', n: IMAGES, samples: cli, note }, { name: 'browser Embed section', value: browserMedian }),
    record({ name: `embed.end-to-end.${PRESET}.int8.wasm`, unit: 'img/s', n: IMAGES, samples: browser, note }, { name: 'facet embed (onnxruntime-node)', value: cliMedian }),
    record(
      {
        name: `embed.overhead-share.${PRESET}.int8.wasm`,
        unit: '%',
        n: IMAGES,
        samples: [overheadShare],
        note: 'Embed section overhead (reading faces, preprocessing, storage, messaging) as a share of inference time: its end-to-end rate against the same browser running the encoder alone at the same batch size (goal under 10%)',
      },
    ),
    record({ name: `embed.inference-only.${PRESET}.int8.wasm.batch-16`, unit: 'img/s', n: 16, samples: measured.inference!, note }),
  ];
}

export const cliScenarios: Scenario[] = [{ name: 'cli.vs-browser', run: runCliVsBrowser }];
