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
import { ensureModel } from './embed';
import { record, type BenchRecord } from './lib';
import type { Scenario } from './run';

const MINI = new URL('../../shared/data/fer2013-mini.zip', import.meta.url).pathname;
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

/** The Embed section in headless Chromium: fer2013-mini imported, the model loaded, then "Embed dataset" timed to the end. */
export async function browserImagesPerSecond(): Promise<number> {
  const harness = await startHarness();
  try {
    const page = await harness.newPage();
    const dataset = page.getByRole('region', { name: /Dataset/ });
    await dataset.getByLabel('FER2013 archive or CSV').setInputFiles(MINI);
    await dataset.getByRole('status').filter({ hasText: /Imported/ }).waitFor({ timeout: 120_000 });
    const embed = page.getByRole('region', { name: /Embed/ });
    await embed.getByLabel('Source').selectOption('mirror');
    await embed.getByLabel('Mirror URL').fill(`${harness.url}/models/${PRESET}/`);
    await embed.getByLabel('Backend').selectOption('wasm');
    await embed.getByLabel('Precision').selectOption('quantized');
    await embed.getByRole('button', { name: 'Load model' }).click();
    await embed.getByRole('status').filter({ hasText: /CLIP ready/ }).waitFor({ timeout: 600_000 });
    await embed.getByLabel(/Stratified sample first/).fill('0');
    const started = performance.now();
    await embed.getByRole('button', { name: 'Embed dataset' }).click();
    await embed.getByRole('status').filter({ hasText: /All 384 distinct images embedded/ }).waitFor({ timeout: 1_800_000 });
    return (IMAGES * 1000) / (performance.now() - started);
  } finally {
    await harness.close();
  }
}

async function runCliVsBrowser(): Promise<BenchRecord[]> {
  ensureModel();
  await build({ logLevel: 'warn' });
  const out = join(mkdtempSync(join(tmpdir(), 'facet-bench-cli-')), 'mini.zip');
  const cli = [await cliImagesPerSecond(out), await cliImagesPerSecond(out)];
  const browser = [await browserImagesPerSecond()];
  const cliMedian = record({ name: 'cli', unit: 'img/s', n: IMAGES, samples: cli }).median;
  const browserMedian = browser[0];
  const note = `Embedding fer2013-mini (${IMAGES} faces) end to end with the generated vit-b-32 model, int8, all cores: facet embed (onnxruntime-node CPU) vs the Embed section in headless Chromium (onnxruntime-web WASM), including preprocessing and storage`;
  return [
    record({ name: `cli.embed.${PRESET}.int8`, unit: 'img/s', n: IMAGES, samples: cli, note }, { name: 'browser Embed section', value: browserMedian }),
    record({ name: `embed.end-to-end.${PRESET}.int8.wasm`, unit: 'img/s', n: IMAGES, samples: browser, note }, { name: 'facet embed (onnxruntime-node)', value: cliMedian }),
  ];
}

export const cliScenarios: Scenario[] = [{ name: 'cli.vs-browser', run: runCliVsBrowser }];
