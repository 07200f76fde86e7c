/**
 * Soak: the whole notebook on the real FER2013 (35,887 faces) with the tiny model, reloading the page at random
 * points of every long operation, as a closed tab or a crash would. Nothing may be lost: an interrupted import
 * leaves no trace, embedding continues where it stopped, a saved run stays saved. `npm run test:soak`
 * (about 10–15 minutes on 2 cores); SOAK_SEED picks the reload points (printed, to repeat a failure).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { foreignRequests, startHarness, until, type Harness } from './harness';
import { region as regionOn } from './steps';

const FER2013 = new URL('../../shared/data/fer2013.zip', import.meta.url).pathname;
const seed = Number(process.env.SOAK_SEED ?? Date.now() % 100_000);
console.log(`SOAK_SEED=${seed}`);
let state = seed;
/** mulberry32: reload points from the seed */
const random = () => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

let harness: Harness;
let page: Page;
before(async () => {
  harness = await startHarness();
  page = await harness.newPage();
});
after(() => harness?.close());

const region = (name: string) => regionOn(page, name);
const progressText = () => page.evaluate(() => [...document.querySelectorAll('[role=progressbar]')].map((p) => p.getAttribute('aria-valuetext') ?? '').join(' | '));
const number = (text: string) => Number(text.replace(/,/g, ''));

async function reloadWhen(condition: () => Promise<boolean>, what: string) {
  await until(condition, what, { timeoutMs: 600_000, everyMs: 100 });
  console.log(`reload during ${what}: ${await progressText()}`);
  await page.reload();
}

test('import: a reload part-way keeps nothing of it; the next import completes', async () => {
  const dataset = region('Dataset');
  await dataset.getByLabel('FER2013 archive or CSV').setInputFiles(FER2013);
  const stopAt = 2_000 + Math.floor(random() * 25_000);
  await reloadWhen(async () => {
    const m = /Importing ([\d,]+)|Images? ([\d,]+)/.exec(await progressText());
    return Boolean(m) && number(m![1] ?? m![2]) >= stopAt;
  }, `import (after ${stopAt} images)`);
  await page.getByRole('complementary', { name: 'Interrupted work' }).filter({ hasText: /Dataset: stopped at/ }).waitFor();
  await dataset.getByRole('status').filter({ hasText: /No dataset yet/ }).waitFor();
  await dataset.getByLabel('FER2013 archive or CSV').setInputFiles(FER2013);
  await dataset.getByRole('status').filter({ hasText: /Imported fer2013\.zip: 35,887 faces \(train 28,709, test 7,178\)/ }).waitFor({ timeout: 300_000 });
});

async function loadTinyModel() {
  const embed = region('Embed');
  await embed.getByLabel('Source').selectOption('mirror');
  await embed.getByLabel('Mirror URL').fill(`${harness.url}/models/tiny/`);
  await embed.getByLabel('Backend').selectOption('wasm');
  await embed.getByRole('button', { name: 'Load model' }).click();
  await embed.getByRole('status').filter({ hasText: /CLIP ready/ }).waitFor({ timeout: 120_000 });
}

const coverage = async () => {
  const line = region('Embed').getByTestId('embed-coverage').filter({ hasText: /^[\d,]+ of/ });
  await line.waitFor({ timeout: 120_000 });
  const text = await line.innerText();
  const m = /^([\d,]+) of ([\d,]+)/.exec(text);
  assert.ok(m, text);
  return { embedded: number(m[1]), total: number(m[2]) };
};

test('embedding: reloads at random points lose nothing; it continues until every face is embedded', async () => {
  await loadTinyModel();
  const { total } = await coverage();
  assert.ok(total > 34_000, `${total} distinct faces`);
  let embeddedBefore = 0;
  for (let round = 0; round < 3; round++) {
    await region('Embed').getByRole('button', { name: /Embed dataset|Continue embedding/ }).click();
    const stopAfter = 300 + Math.floor(random() * 3_000);
    await reloadWhen(async () => {
      const m = /Embedding ([\d,]+) \//.exec(await progressText());
      return Boolean(m) && number(m![1]) >= stopAfter;
    }, `embedding round ${round + 1}`);
    // The model loads again by itself (from Cache Storage) and the notice says where embedding stopped.
    await region('Embed').getByRole('status').filter({ hasText: /CLIP ready/ }).waitFor({ timeout: 120_000 });
    await page.getByRole('complementary', { name: 'Interrupted work' }).filter({ hasText: /Embed: stopped at/ }).waitFor();
    await page.getByRole('button', { name: 'Dismiss' }).click();
    const now = await coverage();
    assert.ok(now.embedded > embeddedBefore, `round ${round + 1}: ${now.embedded} embedded, ${embeddedBefore} before`);
    embeddedBefore = now.embedded;
  }
  await region('Embed').getByRole('button', { name: /Continue embedding/ }).click();
  await region('Embed').getByRole('status').filter({ hasText: /All [\d,]+ distinct images embedded/ }).waitFor({ timeout: 1_800_000 });
  assert.deepEqual(await coverage(), { embedded: total, total });
});

test('training: a reload mid-run keeps the saved runs; the next run is saved and fills the table', async () => {
  const train = region('Train');
  await train.getByLabel('Features').selectOption('clip');
  await train.getByLabel('Epochs').fill('4');
  await train.getByRole('button', { name: 'Train' }).click();
  await reloadWhen(async () => /Epoch [12]\b|epoch [12]\b/i.test(await progressText()), 'training');
  await page.getByRole('complementary', { name: 'Interrupted work' }).filter({ hasText: /Train: stopped at/ }).waitFor();
  assert.equal(await region('Train').locator('table.runs tbody tr').count(), 0);
  await region('Train').getByRole('button', { name: 'Train' }).click();
  await region('Train').getByTestId('train-accuracy').waitFor({ timeout: 900_000 });
  assert.match(await page.locator('#results tr[data-row="clip-mlp"]').innerText(), /CLIP \+ MLP.*71\.40%.*\d+\.\d+%/s);
});

test('after a last reload everything is still there', async () => {
  await page.reload();
  await region('Dataset').getByRole('status').filter({ hasText: /fer2013\.zip: 35,887 faces/ }).waitFor();
  await region('Embed').getByRole('status').filter({ hasText: /CLIP ready/ }).waitFor({ timeout: 120_000 });
  const { embedded, total } = await coverage();
  assert.equal(embedded, total);
  await region('Train').getByRole('status').filter({ hasText: /^Restored: Trained on/ }).waitFor();
  assert.equal(await region('Train').locator('table.runs tbody tr').count(), 1);
  assert.deepEqual(foreignRequests(harness), []);
});
