import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { foreignRequests, startHarness, type Harness } from './harness';
import { CLIP_ROW, resultCell, startMlpRun } from './steps';

const MINI = new URL('../../shared/data/fer2013-mini.zip', import.meta.url).pathname;

// The tiny CLIP-shaped model, served at /models/tiny/ in the hub's layout, loads through the mirror code path.
let harness: Harness;
let page: Page;
before(async () => {
  harness = await startHarness();
  page = await harness.newPage();
});
after(() => harness?.close());

const embed = () => page.getByRole('region', { name: /Embed/ });
const coverage = () => embed().getByTestId('embed-coverage');

async function loadTinyModel() {
  await embed().getByLabel('Source').selectOption('mirror');
  await embed().getByLabel('Mirror URL').fill(`${harness.url}/models/tiny/`);
  await embed().getByLabel('Backend').selectOption('wasm');
  await embed().getByRole('button', { name: 'Load model' }).click();
  await embed().getByRole('status').filter({ hasText: /CLIP ready/ }).waitFor({ timeout: 60_000 });
}

test('embeds a stratified sample first, shows rate and ETA, and keeps what it embedded', async () => {
  const dataset = page.getByRole('region', { name: /Dataset/ });
  await dataset.getByLabel('FER2013 archive or CSV').setInputFiles(MINI);
  await dataset.getByRole('status').filter({ hasText: /Imported/ }).waitFor({ timeout: 60_000 });
  await loadTinyModel();
  await coverage().filter({ hasText: /^0 of 384 distinct images embedded/ }).waitFor();

  await embed().getByLabel(/Stratified sample first/).fill('100');
  await embed().getByRole('button', { name: 'Embed dataset' }).click();
  // Progress reads "Embedding 48 / 384 · 41 img/s · ETA 8 s". Once the stratified sample is stored, while the rest
  // still embeds, Embed and Explore both say it can be mapped now; then reload part-way, as a closed tab would.
  const seen = await page.waitForFunction(
    () => {
      const text = document.querySelector('#embed [role=progressbar]')?.getAttribute('aria-valuetext') ?? '';
      const done = Number(/Embedding ([\d,]+) \/ 384 · [\d.]+ img\/s · ETA/.exec(text)?.[1].replace(',', '') ?? 0);
      const cue = document.querySelector('#embed [data-testid=sample-ready]')?.textContent ?? '';
      const explore = document.querySelector('#explore .next')?.textContent ?? '';
      return done > 0 && done < 384 && cue && /stratified sample/.test(explore) ? { done, cue } : false;
    },
    undefined,
    { polling: 10 },
  );
  const { done, cue } = (await seen.jsonValue()) as { done: number; cue: string };
  const sampled = Number(/The stratified sample \(([\d,]+) images\) is embedded — you can map it in Explore/.exec(cue)?.[1]);
  await page.reload();
  // about the 100 asked for (each emotion and split keeps its rounded share), all stored before the cue
  assert.ok(Math.abs(sampled - 100) <= 10 && sampled <= done, `${cue} at ${done} of 384`);
});

test('after a reload it continues where it stopped, computing nothing twice', async () => {
  await loadTinyModel();
  const before = await coverage().innerText();
  const embeddedBefore = Number(/^([\d,]+) of 384/.exec(before)![1].replace(',', ''));
  assert.ok(embeddedBefore > 0 && embeddedBefore < 384, before);
  await embed().getByRole('button', { name: 'Continue embedding' }).click();
  const done = embed().getByRole('status').filter({ hasText: /All 384 distinct images embedded/ });
  await done.waitFor({ timeout: 120_000 });
  const message = await done.innerText();
  const now = Number(/\(([\d,]+) now, ([\d,]+) from the cache\)/.exec(message)![1]);
  assert.equal(now, 384 - embeddedBefore, message);
  // The run says its rate and how much of its time the encoder sessions were busy (the rest is reading and storing).
  const busy = Number(/[\d.]+ img\/s(?: on \d+ sessions)?, encoding (\d+)% of the time/.exec(message)?.[1]);
  assert.ok(busy > 0 && busy <= 100, message);
  // On WASM with several cores, one single-threaded session per core encodes; the status bar names them.
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const backend = await page.getByTestId('compute-backend').innerText();
  if (cores > 1) assert.match(backend, new RegExp(`WASM · ${Math.min(cores, 4)} sessions × \\d+ threads?`), backend);
  if (cores > 1) assert.match(message, new RegExp(`on ${Math.min(cores, 4)} sessions`), message);
  await coverage().filter({ hasText: /^384 of 384/ }).waitFor();
  // Nothing is left to embed: neither the next step nor the button says to embed (more).
  const next = await embed().locator('.next').innerText();
  assert.doesNotMatch(next, /embed the dataset|load CLIP/, next);
  assert.equal(await embed().getByRole('button', { name: 'Continue embedding' }).count(), 0);
  assert.equal(await page.locator('#dataset .next').innerText().then((t) => /load CLIP|embed these/.test(t)), false);
});

test('zero-shot fills the first row of the results table', async () => {
  await embed().getByRole('button', { name: /Run zero-shot/ }).click();
  const table = embed().locator('.zero-shot-table');
  await table.waitFor({ timeout: 60_000 });
  assert.match(await embed().locator('.zero-shot-summary').innerText(), /CLIP zero-shot: [\d.]+% of 105 test images/);
  assert.equal(await table.getByRole('row').count(), 8);
  const zeroShotCell = resultCell(page, CLIP_ROW, 'zero-shot');
  assert.match(await zeroShotCell.innerText(), /^[\d.]+%.*“A \{\} human face”/s);
  // The template is editable; one without {} is refused with the reason.
  await embed().getByLabel('Prompt template').fill('a face');
  await embed().getByRole('button', { name: /Run zero-shot/ }).click();
  await embed().getByRole('alert').filter({ hasText: /exactly one \{\} for the emotion: "a face"/ }).waitFor();
  await embed().getByLabel('Prompt template').fill('a photo of a {} face');
  await embed().getByRole('button', { name: /Run zero-shot/ }).click();
  await zeroShotCell.filter({ hasText: '“a photo of a {} face”' }).waitFor();
});

test('embeddings export as .npy + JSON and import into a fresh browser under the same keys', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), embed().getByRole('button', { name: /Export embeddings/ }).click()]);
  const path = (await download.path())!;
  const { unzipSync, strFromU8 } = await import('fflate');
  const { readFileSync } = await import('node:fs');
  const files = unzipSync(new Uint8Array(readFileSync(path)));
  const meta = JSON.parse(strFromU8(files['embeddings.json']));
  assert.equal(meta.imageIds.length, 384);
  assert.equal(meta.representation.dim, 512);
  assert.equal(files['embeddings.npy'].length, 128 + 384 * 512 * 4);

  // Another browser profile: same dataset, no model, only the file.
  const other = await startHarness();
  try {
    const fresh = await other.newPage();
    const dataset = fresh.getByRole('region', { name: /Dataset/ });
    await dataset.getByLabel('FER2013 archive or CSV').setInputFiles(MINI);
    await dataset.getByRole('status').filter({ hasText: /Imported/ }).waitFor({ timeout: 60_000 });
    const freshEmbed = fresh.getByRole('region', { name: /Embed/ });
    await freshEmbed.getByLabel('Import embeddings').setInputFiles(path);
    await freshEmbed.getByRole('status').filter({ hasText: /Imported 384 embeddings made by/ }).waitFor({ timeout: 30_000 });
    await freshEmbed.getByTestId('embed-coverage').filter({ hasText: /^384 of 384/ }).waitFor();
    assert.deepEqual(foreignRequests(other), []);
  } finally {
    await other.close();
  }
});

test('an MLP trains on the CLIP embeddings with live curves and fills its results row', async () => {
  const train = await startMlpRun(page, 'clip', { Epochs: '12', 'Hidden layers': '64' });
  // The curves grow while the run is still going.
  await page.waitForFunction(() => {
    const curves = document.querySelector('[data-testid=training-curves]');
    return curves && Number(curves.getAttribute('data-epochs')) >= 1 && document.querySelector('#train [role=progressbar]');
  });
  await train.getByTestId('train-accuracy').waitFor({ timeout: 120_000 });
  assert.match(await train.getByTestId('train-accuracy').innerText(), /Train [\d.]+% · test [\d.]+% \(105 images\)/);
  assert.equal(await train.locator('table.confusion tbody tr').count(), 7);
  // Clicking a confusion cell shows its faces with the predicted probability.
  const cell = train.locator('table.confusion button.cell').filter({ hasNotText: /^0$/ }).first();
  const count = Number(await cell.innerText());
  await cell.click();
  const faces = train.getByTestId('cell-faces');
  await faces.getByRole('img').first().waitFor();
  assert.equal(await faces.getByRole('img').count(), Math.min(count, 48));
  assert.match((await faces.getByRole('img').first().getAttribute('aria-label')) ?? '', /^true \w+, predicted \w+ \(\d+%\)$/);
  const mlpCell = await resultCell(page, CLIP_ROW, 'mlp').innerText();
  assert.match(mlpCell, /^[\d.]+%\s+paper 71\.40%\s+train [\d.]+% · MLP 64 relu.*seed 42; CLIP/);
});

test('stopping a raw-pixel run keeps its best epoch and evaluates it', async () => {
  const train = page.getByRole('region', { name: /Train/ });
  await train.getByLabel('Features').selectOption('raw-pixels');
  await train.getByLabel('Epochs').fill('500');
  // No early stopping: on the WASM kernel fer2013-mini trains an epoch in a few milliseconds.
  await train.getByLabel('Patience').fill('0');
  await train.getByRole('button', { name: 'Train' }).click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=training-curves]')?.getAttribute('data-epochs')) >= 2);
  // the hint beside the bar names the button that is there
  await train.getByText(/^Cancel stops training, keeps the best epoch so far/).waitFor();
  // Dispatched, not clicked: while epochs stream in the row may move, and a click waits for it to stand still.
  await train.getByRole('button', { name: 'Cancel' }).dispatchEvent('click');
  await train.getByTestId('train-accuracy').waitFor({ timeout: 60_000 });
  const epochs = Number(await train.getByTestId('training-curves').getAttribute('data-epochs'));
  assert.ok(epochs >= 2 && epochs < 500, `stopped after ${epochs} epochs`);
  assert.match(await resultCell(page, 'raw-pixels', 'mlp').innerText(), /^[\d.]+%\s+paper 41\.40%/);
});

test('runs are kept: a reload shows them again and refills the results table; one downloads as a zip', async () => {
  await page.reload();
  const train = page.getByRole('region', { name: /Train/ });
  await train.getByRole('status').filter({ hasText: /^Restored: Trained on/ }).waitFor({ timeout: 30_000 });
  assert.equal(await train.locator('table.runs tbody tr').count(), 2);
  assert.match(await resultCell(page, CLIP_ROW, 'mlp').innerText(), /^[\d.]+%\s+paper 71\.40%/);
  assert.match(await resultCell(page, 'raw-pixels', 'mlp').innerText(), /^[\d.]+%\s+paper 41\.40%/);
  const [download] = await Promise.all([page.waitForEvent('download'), train.locator('table.runs').getByRole('button', { name: 'Download' }).first().click()]);
  assert.match(download.suggestedFilename(), /^facet-run-.*-raw-pixels\.zip$/);
  const { unzipSync } = await import('fflate');
  const { readFileSync } = await import('node:fs');
  const files = unzipSync(new Uint8Array(readFileSync((await download.path())!)));
  assert.deepEqual(Object.keys(files).sort(), ['model.json', 'record.json', 'weights.bin']);
  const record = JSON.parse(new TextDecoder().decode(files['record.json']));
  assert.equal(record.featureKind, 'raw-pixels');
  assert.ok(files['weights.bin'].length >= 2304 * 64 * 4, 'the weights of the 2,304 → 64 layer are in the zip');
  await train.locator('table.runs').getByRole('button', { name: 'Delete' }).first().click();
  await page.waitForFunction(() => document.querySelectorAll('table.runs tbody tr').length === 1);
});

test('no request leaves 127.0.0.1', () => {
  assert.deepEqual(foreignRequests(harness), []);
});
