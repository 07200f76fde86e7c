/**
 * MLP training that a reload cuts off goes on from its last epoch checkpoint: after the reload the interrupted-work
 * notice offers "Continue from epoch k", the continued run is saved, and it is the run an uninterrupted training
 * with the same seed gives (the same loss and accuracy curves, the same weights bit for bit). First on raw pixels
 * (no encoder needed; while it trains the section shows the time per epoch and an ETA), then on CLIP embeddings,
 * continued while CLIP is still loading again after the reload.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page, Route } from 'playwright-core';
import { startHarness, type Harness } from './harness';
import { embedDataset, importDataset, loadModel, region, startMlpRun } from './steps';

let harness: Harness;
let page: Page;
before(async () => {
  harness = await startHarness();
  page = await harness.newPage();
  await importDataset(page);
});
after(() => harness?.close());

interface StoredRun {
  id: string;
  createdAt: string;
  history: { epoch: number; loss: number; acc: number; valLoss: number; valAcc: number }[];
  resumedFrom?: number;
  weightsSha256: string;
}

/** The saved MLP runs as IndexedDB holds them (oldest first), each with a SHA-256 of its weights, and what else is stored. */
async function storedRuns(): Promise<{ runs: StoredRun[]; checkpointKeys: string[] }> {
  return page.evaluate(async () => {
    const request = <T,>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
    const db = await request(indexedDB.open('facet-runs'));
    const store = db.transaction('runs').objectStore('runs');
    const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
    db.close();
    const byKey = new Map(keys.map((k, i) => [String(k), values[i]]));
    const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
    const runs = await Promise.all(
      [...byKey].filter(([k]) => k.startsWith('run:')).map(async ([k, record]) => {
        const { id, createdAt, result } = record as { id: string; createdAt: string; result: { history: StoredRun['history']; resumedFrom?: number } };
        const model = byKey.get(`model:${k.slice(4)}`) as { weightData: ArrayBuffer };
        return { id, createdAt, resumedFrom: result.resumedFrom, history: result.history.map(({ epoch, loss, acc, valLoss, valAcc }) => ({ epoch, loss, acc, valLoss, valAcc })), weightsSha256: hex(await crypto.subtle.digest('SHA-256', model.weightData)) };
      }),
    );
    return { runs: runs.sort((a, b) => a.createdAt.localeCompare(b.createdAt)), checkpointKeys: [...byKey.keys()].filter((k) => k.startsWith('checkpoint')) };
  });
}

/** The text of one group of the storage panel (the panel stays open). */
async function storagePanelGroup(name: string): Promise<string> {
  await page.getByRole('button', { name: 'Manage storage' }).click();
  const group = page.getByRole('dialog', { name: 'Stored in this browser' }).getByRole('region', { name });
  await group.waitFor();
  return group.innerText();
}

test('a run cut off by a reload continues from its checkpoint and ends as an uninterrupted run with the same seed', async () => {
  // Batches of one face: an epoch takes long enough that the pause lands before the run ends.
  const train = await startMlpRun(page, 'raw-pixels', { 'Hidden layers': '256', Epochs: '4', Patience: '0', Seed: '77', 'Batch size': '1' });
  const progress = page.locator('#train [role=progressbar]');
  // The working line says how long an epoch takes and when the run will end.
  await page.waitForFunction(() => /Epoch \d of 4 · .* · [\d.]+ s per epoch · ETA \d+ (s|min)/.test(document.querySelector('#train [role=progressbar]')?.getAttribute('aria-valuetext') ?? ''), undefined, {
    polling: 20,
    timeout: 120_000,
  });
  // Once the checkpoint of a finished epoch is stored, pause: the reload then certainly comes in the middle of the run.
  await train.getByTestId('checkpoint-note').filter({ hasText: /Checkpoint stored after epoch [1-3]:/ }).waitFor({ timeout: 120_000 });
  await train.getByRole('button', { name: 'Pause' }).dispatchEvent('click');
  await train.getByRole('button', { name: 'Resume' }).waitFor();
  assert.equal(await progress.count(), 1, 'the run is still in flight (paused)');
  assert.equal((await storedRuns()).runs.length, 0);

  await page.reload();
  const notice = page.getByRole('complementary', { name: 'Interrupted work' });
  const resume = notice.getByRole('button', { name: /^Continue from epoch [1-3]$/ });
  await resume.waitFor({ timeout: 30_000 });
  const epoch = Number((await resume.innerText()).match(/\d+/)![0]);
  // The storage panel lists the checkpoint with the size of its arrays: (2,304·256 + 256 + 256·7 + 7) float32
  // parameters, four times (weights, Adam's two moments, the best epoch's weights).
  const checkpoints = await storagePanelGroup('Training checkpoints');
  assert.match(checkpoints, new RegExp(`raw pixels MLP stopped after epoch ${epoch} of 4.*seed 77 · fer2013-mini\\.zip.*9\\.5 MB`, 's'));
  await page.getByRole('dialog', { name: 'Stored in this browser' }).getByRole('button', { name: 'Close' }).click();
  await resume.click();
  const continued = train.getByRole('status').filter({ hasText: new RegExp(`^Continued from the checkpoint of epoch ${epoch} \\([\\d.]+ s of training before it\\)\\. Trained on`) });
  await continued.waitFor({ timeout: 120_000 }).catch(async (error: Error) => {
    throw new Error(`${error.message}\nThe Train section shows: ${await train.innerText()}`);
  });
  assert.equal(await notice.getByRole('button', { name: /^Continue from/ }).count(), 0);
  // The form shows what ran: the checkpoint's settings.
  assert.equal(await train.getByLabel('Seed').inputValue(), '77');
  assert.equal(await train.getByLabel('Batch size').inputValue(), '1');
  const afterContinue = await storedRuns();
  assert.equal(afterContinue.runs.length, 1);
  assert.deepEqual(afterContinue.checkpointKeys, [], 'saving the run dropped its checkpoint');

  // The same settings and seed, never interrupted.
  await train.getByRole('button', { name: 'Train' }).click();
  await train.getByRole('status').filter({ hasText: /^Trained on/ }).waitFor({ timeout: 120_000 });
  const { runs, checkpointKeys } = await storedRuns();
  assert.equal(runs.length, 2);
  const [resumed, straight] = runs;
  assert.equal(resumed.resumedFrom, epoch);
  assert.equal(straight.resumedFrom, undefined);
  assert.equal(straight.history.length, 4);
  assert.deepEqual(resumed.history, straight.history);
  assert.equal(resumed.weightsSha256, straight.weightsSha256);
  assert.deepEqual(checkpointKeys, []);
  assert.equal(await train.getByRole('alert').count(), 0);
  assert.match(await storagePanelGroup('Training checkpoints'), /Training checkpoints \(none\)/);
  await page.getByRole('dialog', { name: 'Stored in this browser' }).getByRole('button', { name: 'Close' }).click();
});

test('a run on CLIP embeddings continues while CLIP is still loading after the reload, to the uninterrupted run', async () => {
  await loadModel(page, `${harness.url}/models/tiny/`);
  await embedDataset(page);
  // A wide layer: with 512-d inputs an epoch of one-face batches still takes long enough to pause in.
  const train = await startMlpRun(page, 'clip', { 'Hidden layers': '1024', Epochs: '3', Seed: '5', 'Batch size': '1' });
  await train.getByTestId('checkpoint-note').filter({ hasText: /Checkpoint stored after epoch [12]:/ }).waitFor({ timeout: 120_000 });
  await train.getByRole('button', { name: 'Pause' }).dispatchEvent('click');
  await train.getByRole('button', { name: 'Resume' }).waitFor();
  const before = (await storedRuns()).runs.length;

  // Hold CLIP's text encoder back after the reload (dropped from Cache Storage, its request kept waiting), so the
  // model is certainly still loading when Continue is clicked.
  await page.evaluate(async () => {
    const cache = await caches.open('facet-models-v1');
    for (const request of await cache.keys()) if (request.url.includes('text_model')) await cache.delete(request);
  });
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/models/tiny/onnx/text_model*', async (route: Route) => {
    await released;
    await route.continue().catch(() => {}); // the page may have dropped the request
  });
  let epoch = 0;
  try {
    await page.reload();
    const resume = page.getByRole('complementary', { name: 'Interrupted work' }).getByRole('button', { name: /^Continue from epoch [12]$/ });
    await resume.waitFor({ timeout: 30_000 });
    epoch = Number((await resume.innerText()).match(/\d+/)![0]);
    await region(page, 'Embed').getByRole('status').filter({ hasText: /Loading the text encoder|Downloading the text encoder/ }).waitFor({ timeout: 60_000 });
    await resume.click();
    await train
      .getByRole('status')
      .filter({ hasText: new RegExp(`^Continued from the checkpoint of epoch ${epoch} .*Trained on .* \\(CLIP `) })
      .waitFor({ timeout: 120_000 })
      .catch(async (error: Error) => {
        throw new Error(`${error.message}\nThe Train section shows: ${await train.innerText()}`);
      });
  } finally {
    release();
    await page.unroute('**/models/tiny/onnx/text_model*');
  }
  await region(page, 'Embed').getByRole('status').filter({ hasText: /CLIP ready/ }).waitFor({ timeout: 60_000 });
  assert.equal(await train.getByLabel('Features').inputValue(), 'clip');
  await train.getByRole('button', { name: 'Train' }).click();
  await train.getByRole('status').filter({ hasText: /^Trained on .* \(CLIP / }).waitFor({ timeout: 120_000 });
  const { runs, checkpointKeys } = await storedRuns();
  assert.equal(runs.length, before + 2);
  const [resumed, straight] = runs.slice(-2);
  assert.equal(resumed.resumedFrom, epoch);
  assert.equal(straight.history.length, 3);
  assert.deepEqual(resumed.history, straight.history);
  assert.equal(resumed.weightsSha256, straight.weightsSha256);
  assert.deepEqual(checkpointKeys, []);
});
