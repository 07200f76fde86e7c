/**
 * The seams between sections: a reload in the middle of training with CLIP still loading, a model source switched
 * after loading, and results that must come back after a reload.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page, Route } from 'playwright-core';
import { foreignRequests, startHarness, type Harness } from './harness';
import { CLIP_ROW, embedDataset, importDataset, loadModel, region, resultCell, startMlpRun } from './steps';

let harness: Harness;
let page: Page;
before(async () => {
  harness = await startHarness();
  page = await harness.newPage();
  await importDataset(page);
  await loadModel(page, `${harness.url}/models/tiny/`);
  await embedDataset(page);
});
after(() => harness?.close());

const SECTIONS = ['Dataset', 'Embed', 'Train', 'Explore', 'Classify', 'Results'];

test('Train clicked right after a reload, while CLIP is still loading, trains and saves the run', async () => {
  // Batches of one face: an epoch takes long enough that the pause lands in the middle of the run.
  const train = await startMlpRun(page, 'clip', { 'Hidden layers': '32', Epochs: '400', Patience: '0', 'Batch size': '1' });
  // Once the first epoch has finished, pause: the reload then certainly comes in the middle of the run.
  await page.waitForFunction(() => /Epoch ([2-9]|\d\d+) of/.test(document.querySelector('#train [role=progressbar]')?.getAttribute('aria-valuetext') ?? ''), undefined, { timeout: 120_000 });
  // Dispatched, not clicked: while epochs stream in the row may move, and a click waits for it to stand still.
  await train.getByRole('button', { name: 'Pause' }).dispatchEvent('click');
  await train.getByRole('button', { name: 'Resume' }).waitFor();

  // Hold CLIP's text encoder back after the reload: drop it from Cache Storage and keep its request waiting, so the
  // model is certainly still loading when Train is clicked.
  await page.evaluate(async () => {
    const cache = await caches.open('facet-models-v1');
    for (const request of await cache.keys()) if (request.url.includes('text_model')) await cache.delete(request);
  });
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  await page.route('**/models/tiny/onnx/text_model*', async (route: Route) => {
    held = true;
    await released;
    // The reload may have dropped this request already.
    await route.continue().catch(() => {});
  });
  try {
    await page.reload();
    await page.getByRole('complementary', { name: 'Interrupted work' }).filter({ hasText: /Train: stopped at/ }).waitFor();
    await region(page, 'Embed').getByRole('status').filter({ hasText: /Loading the text encoder|Downloading the text encoder/ }).waitFor({ timeout: 60_000 });
    assert.ok(held, 'the text encoder was requested and is held back');

    await train.getByLabel('Epochs').fill('3');
    await train.getByLabel('Patience').fill('6');
    await train.getByLabel('Batch size').fill('128');
    await train.getByRole('button', { name: 'Train' }).click();
    // No final refusal: it trains on the stored embeddings (or waits for CLIP and says so), never an alert.
    const done = train.getByTestId('train-accuracy');
    const alert = train.getByRole('alert');
    const alerted = alert.waitFor({ timeout: 120_000 }).then(
      async () => assert.fail(`Train alerted: ${await alert.innerText()}`),
      () => new Promise<never>(() => {}), // no alert: the race is decided by the result
    );
    await Promise.race([done.waitFor({ timeout: 120_000 }), alerted]);
  } finally {
    // Whatever happened, CLIP may load again: the later tests need it.
    release();
    await page.unroute('**/models/tiny/onnx/text_model*');
  }
  assert.equal(await train.locator('table.runs tbody tr').count(), 1);
  assert.match(await resultCell(page, CLIP_ROW, 'mlp').innerText(), /^\d+\.\d+%/);
  await region(page, 'Embed').getByRole('status').filter({ hasText: /CLIP ready/ }).waitFor({ timeout: 60_000 });
});

test('switching the model source after loading keeps the page and the loaded model', async () => {
  const embed = region(page, 'Embed');
  await embed.getByLabel('Source').selectOption('local');
  for (const name of SECTIONS) await region(page, name).getByRole('heading', { name: new RegExp(name) }).waitFor();
  assert.equal(await page.getByRole('alert').count(), 0, (await page.getByRole('alert').allInnerTexts()).join(' | '));
  // What is loaded is what was loaded, whatever the form says now.
  await embed.getByRole('status').filter({ hasText: /CLIP ready/ }).waitFor();
  await embed.getByLabel('Source').selectOption('mirror');
  await embed.getByLabel('Mirror URL').fill(`${harness.url}/models/elsewhere/`);
  const train = region(page, 'Train');
  await train.getByLabel('Epochs').fill('2');
  await train.getByRole('button', { name: 'Train' }).click();
  await train.locator('table.runs tbody tr').nth(1).waitFor({ timeout: 120_000 });
  assert.equal(await train.getByRole('alert').count(), 0);
  await embed.getByLabel('Mirror URL').fill(`${harness.url}/models/tiny/`);
});

test('a zero-shot result comes back after a reload, in Embed and in Results, and can be deleted in Manage storage', async () => {
  const embed = region(page, 'Embed');
  await embed.getByRole('button', { name: /Run zero-shot/ }).click();
  const summary = embed.locator('.zero-shot-summary');
  await summary.waitFor({ timeout: 60_000 });
  const before = /CLIP zero-shot: ([\d.]+%)/.exec(await summary.innerText())![1];
  const rowBefore = /\d+\.\d+%/.exec(await resultCell(page, CLIP_ROW, 'zero-shot').innerText())![0];

  await page.reload();
  await region(page, 'Embed').locator('.zero-shot-summary').filter({ hasText: `CLIP zero-shot: ${before}` }).waitFor({ timeout: 30_000 });
  await resultCell(page, CLIP_ROW, 'zero-shot').filter({ hasText: rowBefore }).waitFor();

  await page.getByRole('button', { name: 'Manage storage' }).click();
  const panel = page.getByRole('dialog', { name: 'Stored in this browser' });
  const results = panel.getByRole('region', { name: 'Zero-shot scores' });
  await results.getByRole('row', { name: /Zero-shot “A \{\} human face”/ }).getByRole('button', { name: /Delete/ }).click();
  await panel.getByRole('status').filter({ hasText: /Deleted Zero-shot/ }).waitFor();
  await panel.getByRole('button', { name: 'Close' }).click();
  await resultCell(page, CLIP_ROW, 'zero-shot').filter({ hasText: 'not run yet' }).waitFor();
  assert.equal(await region(page, 'Embed').locator('.zero-shot-summary').count(), 0);
  assert.deepEqual(foreignRequests(harness), []);
});

test('a finished map comes back after a reload and its points can still be pinned', async () => {
  const explore = region(page, 'Explore');
  await explore.getByLabel('Projection').selectOption('pca');
  await explore.getByRole('button', { name: 'Map' }).click();
  const done = explore.getByRole('status').filter({ hasText: /^PCA of 385 images/ });
  await done.waitFor({ timeout: 60_000 }).catch(async (error: Error) => assert.fail(`${error.message}\nExplore shows: ${(await explore.locator('[role=status], [role=alert]').allInnerTexts()).join(' | ')}`));
  const message = await done.innerText();

  await page.reload();
  await explore.getByRole('status').filter({ hasText: `Restored: ${message}` }).waitFor({ timeout: 30_000 });
  const map = explore.getByTestId('explore-map');
  await map.and(page.locator('[data-points="385"]')).waitFor();
  // Neighbours need the sample in the worker again: it is loaded on the first look-up.
  await explore.getByLabel('Image id').fill('#0');
  await explore.getByRole('button', { name: 'Jump' }).click();
  const pinned = explore.getByTestId('explore-pinned');
  await pinned.waitFor();
  // Each neighbour shows its cosine similarity once it is found.
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=explore-pinned] li')].filter((li) => /\d\.\d+/.test(li.getAttribute('title') ?? '')).length >= 12, undefined, { timeout: 30_000 });
  assert.equal(await explore.getByRole('alert').count(), 0);
});
