/**
 * Soak: the whole notebook on the real FER2013 (35,887 faces) with the tiny model, reloading the page at random
 * points of every long operation, as a closed tab or a crash would. Nothing may be lost: an interrupted import
 * leaves no trace, embedding continues where it stopped, a saved run stays saved. `npm run test:soak`
 * (about 10–15 minutes on 2 cores); SOAK_SEED picks the reload points (printed, to repeat a failure).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { foreignRequests, startHarness, type Harness } from './harness';
import { CLIP_ROW, region as regionOn, resultCell } from './steps';

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

/**
 * Reloads once a progress bar's text matches `pattern` with its first number at least `min`, as a closed tab or a
 * crash would cut the work off there.
 */
async function reloadWhen(pattern: RegExp, min: number, what: string) {
  await guarded(
    page.waitForFunction(
      ({ source, min }) => {
        const text = [...document.querySelectorAll('[role=progressbar]')].map((p) => p.getAttribute('aria-valuetext') ?? '').join(' | ');
        const m = new RegExp(source).exec(text);
        return Boolean(m) && Number((m![1] ?? m![2]).replace(/,/g, '')) >= min;
      },
      { source: pattern.source, min },
      { timeout: 1_800_000, polling: 50 },
    ),
  );
  console.log(`reload during ${what}: ${await progressText()}`);
  await page.reload();
}

/**
 * Any section's alert ends the soak at once with its text: waiting on for a result an alert has ruled out only
 * turns a clear failure into a time-out.
 */
async function guarded<T>(wait: Promise<T>): Promise<T> {
  const alert = page.locator('main section [role=alert]').first();
  let settled = false;
  const alerted = alert
    .waitFor({ state: 'visible', timeout: 0 })
    .then(async () => {
      if (settled) return new Promise<never>(() => {});
      const text = await alert.innerText().catch(() => '(gone)');
      throw new Error(`A section shows an alert: ${text}`);
    })
    .catch((error: Error) => {
      if (settled) return new Promise<never>(() => {});
      throw error;
    });
  try {
    return await Promise.race([wait, alerted]);
  } finally {
    settled = true;
  }
}

test('import: a reload part-way keeps nothing of it; the next import completes', async () => {
  const dataset = region('Dataset');
  await dataset.getByLabel('FER2013 archive or CSV').setInputFiles(FER2013);
  const stopAt = 2_000 + Math.floor(random() * 25_000);
  await reloadWhen(/Importing ([\d,]+)|Images? ([\d,]+)/, stopAt, `import (after ${stopAt} images)`);
  await page.getByRole('complementary', { name: 'Interrupted work' }).filter({ hasText: /Dataset: stopped at/ }).waitFor();
  await dataset.getByRole('status').filter({ hasText: /No dataset yet/ }).waitFor();
  await dataset.getByLabel('FER2013 archive or CSV').setInputFiles(FER2013);
  await guarded(dataset.getByRole('status').filter({ hasText: /Imported fer2013\.zip: 35,887 faces \(train 28,709, test 7,178\)/ }).waitFor({ timeout: 300_000 }));
});

async function loadTinyModel() {
  const embed = region('Embed');
  await embed.getByLabel('Source').selectOption('mirror');
  await embed.getByLabel('Mirror URL').fill(`${harness.url}/models/tiny/`);
  await embed.getByLabel('Backend').selectOption('wasm');
  await embed.getByRole('button', { name: 'Load model' }).click();
  await guarded(embed.getByRole('status').filter({ hasText: /CLIP ready/ }).waitFor({ timeout: 120_000 }));
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
    await reloadWhen(/Embedding ([\d,]+) \//, stopAfter, `embedding round ${round + 1}`);
    // The model loads again by itself (from Cache Storage) and the notice says where embedding stopped.
    await guarded(region('Embed').getByRole('status').filter({ hasText: /CLIP ready/ }).waitFor({ timeout: 120_000 }));
    await page.getByRole('complementary', { name: 'Interrupted work' }).filter({ hasText: /Embed: stopped at/ }).waitFor();
    await page.getByRole('button', { name: 'Dismiss' }).click();
    const now = await coverage();
    assert.ok(now.embedded > embeddedBefore, `round ${round + 1}: ${now.embedded} embedded, ${embeddedBefore} before`);
    embeddedBefore = now.embedded;
  }
  await region('Embed').getByRole('button', { name: /Continue embedding/ }).click();
  await guarded(region('Embed').getByRole('status').filter({ hasText: /All [\d,]+ distinct images embedded/ }).waitFor({ timeout: 1_800_000 }));
  assert.deepEqual(await coverage(), { embedded: total, total });
});

test('training: a reload mid-run keeps the saved runs; the next run is saved and fills the table', async () => {
  const train = region('Train');
  await train.getByLabel('Features').selectOption('clip');
  await train.getByLabel('Epochs').fill('4');
  await train.getByRole('button', { name: 'Train' }).click();
  // "Epoch 2 of 4" shows once the first epoch has finished: the reload cuts off a run with work done.
  await reloadWhen(/Epoch (\d+) of/, 2, 'training');
  await page.getByRole('complementary', { name: 'Interrupted work' }).filter({ hasText: /Train: stopped at/ }).waitFor();
  // Only once the Train section has read the stored runs does "none" mean none.
  await region('Train').getByText('No saved runs yet.').waitFor();
  assert.equal(await region('Train').locator('table.runs tbody tr').count(), 0);
  // Clicked at once, while CLIP loads again by itself: the run trains on the stored embeddings.
  await region('Train').getByRole('button', { name: 'Train' }).click();
  await guarded(region('Train').getByTestId('train-accuracy').waitFor({ timeout: 900_000 }));
  assert.match(await resultCell(page, CLIP_ROW, 'mlp').innerText(), /^\d+\.\d+%\s+paper 71\.40%/);
});

test('after a last reload everything is still there', async () => {
  await page.reload();
  await region('Dataset').getByRole('status').filter({ hasText: /fer2013\.zip: 35,887 faces/ }).waitFor();
  await guarded(region('Embed').getByRole('status').filter({ hasText: /CLIP ready/ }).waitFor({ timeout: 120_000 }));
  const { embedded, total } = await coverage();
  assert.equal(embedded, total);
  await region('Train').getByRole('status').filter({ hasText: /^Restored: Trained on/ }).waitFor();
  assert.equal(await region('Train').locator('table.runs tbody tr').count(), 1);
  assert.deepEqual(foreignRequests(harness), []);
});
