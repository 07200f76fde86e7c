/**
 * The command line and the browser make the same embeddings: `npm run facet -- embed` on fer2013-mini with the tiny
 * model served by the app (the mirror code path of both), against the Embed section's own export; then the CLI's
 * file opens in a fresh browser and an MLP trains on it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readEmbeddingFile } from '../src/embed/embeddingFile';
import { foreignRequests, startHarness, type Harness } from './harness';
import { embedDataset, importDataset, loadModel, MINI } from './steps';

const work = mkdtempSync(join(tmpdir(), 'facet-cli-e2e-'));
const cliFile = join(work, 'mini.embeddings.zip');

/** Runs the CLI without blocking this process: it serves the app the CLI downloads the model from. */
function facet(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

let harness: Harness;
before(async () => {
  harness = await startHarness();
});
after(() => harness?.close());

test('the CLI and the browser embed the same faces to the same vectors under the same keys', async () => {
  const cli = await facet(['embed', MINI, '--model', `${harness.url}/models/tiny/`, '--precision', 'fp32', '--out', cliFile], { FACET_CACHE: join(work, 'cache') });
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stderr, /Wrote .*: 384 embeddings/);
  assert.match(cli.stderr, /CLIP zero-shot \("A \{\} human face"\) on 105 test images: [\d.]+%/);

  const page = await harness.newPage();
  await importDataset(page);
  // fp32 on both sides: int8 models quantize activations at run time, where the two runtimes' rounding differs
  await loadModel(page, `${harness.url}/models/tiny/`, { precision: 'fp32' });
  await embedDataset(page);
  const embed = page.getByRole('region', { name: /Embed/ });
  const [download] = await Promise.all([page.waitForEvent('download'), embed.getByRole('button', { name: /Export embeddings/ }).click()]);

  const browser = readEmbeddingFile(new Uint8Array(readFileSync((await download.path())!)));
  const headless = readEmbeddingFile(new Uint8Array(readFileSync(cliFile)));
  assert.deepEqual(headless.meta.representation, browser.meta.representation, 'same model identity, precision and width: same cache keys');
  assert.deepEqual(headless.meta.imageIds, browser.meta.imageIds);
  assert.deepEqual(headless.meta.labels, browser.meta.labels);
  assert.deepEqual(headless.meta.splits, browser.meta.splits);
  let worst = 0;
  for (let i = 0; i < browser.vectors.length; i++) worst = Math.max(worst, Math.abs(browser.vectors[i] - headless.vectors[i]));
  // onnxruntime-web's WASM kernels and onnxruntime-node's native ones differ in the last bits only
  assert.ok(worst < 1e-4, `largest difference between browser and CLI values: ${worst}`);
  assert.ok(worst > 0 || browser.vectors.some((v) => v !== 0), 'the vectors are not all zero');
});

test('--backbone: the CLI embeds with SigLIP (its tensor names, its preprocessor_config.json, its keys) as the browser does', async () => {
  const siglipFile = join(work, 'mini.siglip.embeddings.zip');
  const model = `${harness.url}/models/siglip-tiny/`;
  // Without the backbone the files are taken for CLIP, whose image output they lack: refused, naming the problem.
  const asClip = await facet(['embed', MINI, '--model', model, '--precision', 'fp32', '--out', join(work, 'wrong.zip')], { FACET_CACHE: join(work, 'cache') });
  assert.equal(asClip.status, 1, asClip.stderr);
  assert.match(asClip.stderr, /image_embeds/);
  const cli = await facet(['embed', MINI, '--model', model, '--backbone', 'siglip-base-patch16-224', '--precision', 'fp32', '--out', siglipFile], { FACET_CACHE: join(work, 'cache') });
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stderr, /Wrote .*: 384 embeddings/);
  // SigLIP's own zero-shot: its prompt template and SentencePiece tokenizer, a sigmoid per class
  const cliZeroShot = /SigLIP zero-shot \("This is a photo of \{\}\."\) on 105 test images: ([\d.]+)%/.exec(cli.stderr);
  assert.ok(cliZeroShot, cli.stderr);

  const other = await startHarness();
  try {
    const page = await other.newPage();
    await importDataset(page);
    const embed = page.getByRole('region', { name: /Embed/ });
    await embed.getByLabel('Backbone').selectOption('siglip-base-patch16-224');
    await embed.getByLabel('Source').selectOption('mirror');
    // the CLI's server: the model identity (its URL) is part of the cache key
    await embed.getByLabel('Mirror URL').fill(model);
    await embed.getByLabel('Backend').selectOption('wasm');
    await embed.getByLabel('Precision').selectOption('fp32');
    await embed.getByRole('button', { name: 'Load model' }).click();
    await embed.getByRole('status').filter({ hasText: /SigLIP ready/ }).waitFor({ timeout: 60_000 });
    await embedDataset(page);
    const [download] = await Promise.all([page.waitForEvent('download'), embed.getByRole('button', { name: /Export embeddings/ }).click()]);
    const browser = readEmbeddingFile(new Uint8Array(readFileSync((await download.path())!)));
    const headless = readEmbeddingFile(new Uint8Array(readFileSync(siglipFile)));
    assert.equal(headless.meta.representation.kind, 'siglip');
    assert.deepEqual(headless.meta.representation, browser.meta.representation, 'same model identity, precision and width: same cache keys');
    assert.deepEqual(headless.meta.imageIds, browser.meta.imageIds);
    let worst = 0;
    for (let i = 0; i < browser.vectors.length; i++) worst = Math.max(worst, Math.abs(browser.vectors[i] - headless.vectors[i]));
    assert.ok(worst < 1e-4, `largest difference between browser and CLI values: ${worst}`);
    // The same zero-shot score (105 images: one decimal tells every count apart)
    await embed.getByRole('button', { name: /Run zero-shot/ }).click();
    const summary = embed.locator('.zero-shot-summary').filter({ hasText: /^SigLIP zero-shot: [\d.]+% of 105 test images/ });
    await summary.waitFor({ timeout: 60_000 });
    const browserZeroShot = /^SigLIP zero-shot: ([\d.]+)%/.exec(await summary.innerText())![1];
    assert.equal(Number(cliZeroShot[1]).toFixed(1), browserZeroShot, `CLI ${cliZeroShot[1]}%, browser ${browserZeroShot}%`);
  } finally {
    await other.close();
  }
});

test('the CLI file opens in a fresh browser as embeddings of its own, and an MLP trains on it', async () => {
  const other = await startHarness();
  try {
    const page = await other.newPage();
    await importDataset(page);
    const embed = page.getByRole('region', { name: /Embed/ });
    await embed.getByLabel('Import embeddings').setInputFiles(cliFile);
    await embed.getByRole('status').filter({ hasText: /Imported 384 embeddings made by/ }).waitFor({ timeout: 30_000 });
    await embed.getByTestId('embed-coverage').filter({ hasText: /^384 of 384/ }).waitFor();
    const train = page.getByRole('region', { name: /Train/ });
    await train.getByLabel('Features').selectOption('clip');
    await train.getByLabel('Epochs').fill('3');
    await train.getByRole('button', { name: 'Train' }).click();
    await train.getByTestId('train-accuracy').waitFor({ timeout: 120_000 });
    assert.match(await train.getByTestId('train-accuracy').innerText(), /Train [\d.]+% · test [\d.]+% \(105 images\)/);
    assert.deepEqual(foreignRequests(other), []);
  } finally {
    await other.close();
  }
});

test('bad input: a missing file, a file that is no dataset, a folder that is no model: clear message, exit 1', async () => {
  const run = (...args: string[]) => facet(args);
  const missing = await run('embed', join(work, 'nothing.zip'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nothing\.zip does not exist/);
  const notData = await run('embed', 'package.json', '--model', 'models/tiny', '--out', join(work, 'x.zip'));
  assert.equal(notData.status, 1);
  assert.match(notData.stderr, /“package.json” is neither a ZIP archive nor a FER2013 CSV/);
  const notModel = await run('embed', MINI, '--model', 'e2e', '--out', join(work, 'y.zip'));
  assert.equal(notModel.status, 1);
  assert.match(notModel.stderr, /e2e is not a CLIP model folder in the hub's layout: missing .*vision_model_quantized\.onnx/);
  const badPrecision = await run('embed', MINI, '--precision', 'int4');
  assert.equal(badPrecision.status, 1);
  assert.match(badPrecision.stderr, /--precision must be fp32, fp16 or quantized, not "int4"/);
});
