import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { foreignRequests, startHarness, type Harness } from './harness';

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
  const bar = embed().getByRole('progressbar');
  await bar.waitFor({ timeout: 30_000 });
  assert.match((await bar.getAttribute('aria-valuetext')) ?? '', /Embedding [\d,]+ \/ 384/);
  // Stop part-way, as a reload or a closed tab would.
  await page.waitForFunction(() => /Embedding ([1-9]\d{1,2}) \//.test(document.querySelector('#embed [role=progressbar]')?.getAttribute('aria-valuetext') ?? ''));
  await page.reload();
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
  await coverage().filter({ hasText: /^384 of 384/ }).waitFor();
});

test('zero-shot fills the first row of the results table', async () => {
  await embed().getByRole('button', { name: /Run zero-shot/ }).click();
  const table = embed().locator('.zero-shot-table');
  await table.waitFor({ timeout: 60_000 });
  assert.match(await embed().locator('.zero-shot-summary').innerText(), /CLIP zero-shot: [\d.]+% of 105 test images/);
  assert.equal(await table.getByRole('row').count(), 8);
  const row = page.locator('#results tr[data-row="zero-shot"]');
  assert.match(await row.innerText(), /CLIP zero-shot.*not reported.*[\d.]+%.*“A \{\} human face”/s);
});

test('no request leaves 127.0.0.1', () => {
  assert.deepEqual(foreignRequests(harness), []);
});
