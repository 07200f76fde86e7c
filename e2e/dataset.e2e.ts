import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { foreignRequests, startHarness, type Harness } from './harness';

const MINI = new URL('../../shared/data/fer2013-mini.zip', import.meta.url).pathname;
const EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];

let harness: Harness;
let page: Page;
const work = mkdtempSync(join(tmpdir(), 'facet-e2e-dataset-'));
const fixture = (name: string, bytes: Uint8Array | string) => {
  const path = join(work, name);
  writeFileSync(path, bytes);
  return path;
};

before(async () => {
  harness = await startHarness();
  page = await harness.newPage();
});
after(() => harness?.close());

const dataset = () => page.getByRole('region', { name: /Dataset/ });
const importFile = (path: string) => dataset().getByLabel('FER2013 archive or CSV').setInputFiles(path);
const datasetOptions = () => dataset().getByRole('combobox', { name: 'Stored datasets' }).locator('option');
const statusText = () => dataset().getByRole('status').first().innerText();

async function waitForImport(pattern: RegExp) {
  await dataset().getByRole('status').filter({ hasText: pattern }).first().waitFor({ timeout: 60_000 });
}

test('imports fer2013-mini.zip in a worker without freezing the page, with accessible progress', async () => {
  // Record long main-thread tasks and every progressbar value the page shows during the import (from when the page
  // has finished starting up: its first render is not part of the import).
  await page.getByTestId('storage').filter({ hasText: /used of/ }).waitFor();
  // ...and its main thread has gone idle once (start-up's last renders are done), however busy the machine is.
  await page.evaluate(() => new Promise<void>((resolve) => requestIdleCallback(() => resolve())));
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: { start: number; end: number }[]; progressValues: string[]; doneAt: number };
    w.longTasks = [];
    w.progressValues = [];
    w.doneAt = Infinity;
    new PerformanceObserver((list) => w.longTasks.push(...list.getEntries().map((e) => ({ start: e.startTime, end: e.startTime + e.duration })))).observe({ type: 'longtask' });
    new MutationObserver(() => {
      const bar = document.querySelector('#dataset [role=progressbar]');
      if (bar) w.progressValues.push(bar.getAttribute('aria-valuenow') ?? '');
      // The summary's first render (tables, a grid of faces) is the page's own work after the import, not part of it.
      const statuses = [...document.querySelectorAll('#dataset [role=status]')].map((e) => e.textContent ?? '');
      if (w.doneAt === Infinity && statuses.some((t) => /Imported .*: \d+ faces/.test(t))) w.doneAt = performance.now();
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await importFile(MINI);
  await waitForImport(/Imported fer2013-mini\.zip: 385 faces \(train 280, test 105\)/);
  const { longTasks, progressValues } = await page.evaluate(() => {
    const w = window as unknown as { longTasks: { start: number; end: number }[]; progressValues: string[]; doneAt: number };
    return { longTasks: w.longTasks.filter((t) => t.end <= w.doneAt).map((t) => Math.round(t.end - t.start)), progressValues: w.progressValues };
  });
  // Decoding on the main thread would hold it for whole archive chunks. Progress renders are a few ms; on a machine
  // kept busy by other jobs they can pass the 50 ms long-task mark, so the bound is RAIL's 100 ms response budget,
  // doubled for such a machine.
  assert.ok(longTasks.every((ms) => ms < 200), `main-thread tasks during the import: ${longTasks.join(', ')} ms`);
  assert.ok(progressValues.length > 0, 'a progressbar with a value was shown');

  const rows = await dataset().getByRole('table').getByRole('row').allInnerTexts();
  assert.equal(rows.length, 8);
  for (const [i, emotion] of EMOTIONS.entries()) assert.match(rows[i + 1], new RegExp(`${emotion}\\s+40\\s+15`));
  assert.match(await dataset().getByRole('table').innerText(), /PublicTest 0, PrivateTest 105/);
  assert.equal(await dataset().getByRole('list', { name: 'happy faces' }).getByRole('img').count(), 24);
});

test('a reload restores the dataset, and the same archive is recognised at once', async () => {
  await page.reload();
  await waitForImport(/^fer2013-mini\.zip: 385 faces/);
  await importFile(MINI);
  await waitForImport(/Already imported: fer2013-mini\.zip/);
  assert.equal(await datasetOptions().count(), 1);
});

test('fer2013.csv made from the same faces gives the same image ids', async () => {
  // Read the stored faces back from IndexedDB and write them as the challenge's CSV.
  const stored = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('facet-datasets');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const get = (key: string) =>
      new Promise<unknown>((resolve) => {
        const request = db.transaction('records').objectStore('records').get(key);
        request.onsuccess = () => resolve(request.result);
      });
    const id = (localStorage.getItem('facet.activeDataset') as string) ?? '';
    const manifest = (await get(`manifest:${id}`)) as { chunkCount: number };
    const columns = (await get(`columns:${id}`)) as { imageIds: string[]; labels: Uint8Array; subsets: Uint8Array };
    let pixels: number[] = [];
    for (let k = 0; k < manifest.chunkCount; k++) pixels = pixels.concat(Array.from((await get(`pixels:${id}:${k}`)) as Uint8Array));
    return { ids: columns.imageIds, labels: Array.from(columns.labels), subsets: Array.from(columns.subsets), pixels };
  });
  const usage = ['Training', 'PublicTest', 'PrivateTest'];
  const lines = ['emotion,pixels,Usage'];
  stored.ids.forEach((_, i) => lines.push(`${stored.labels[i]},${stored.pixels.slice(i * 2304, (i + 1) * 2304).join(' ')},${usage[stored.subsets[i]]}`));
  lines.push('9,1 2 3,Training'); // one malformed row, reported and skipped
  await importFile(fixture('fer2013.csv', lines.join('\n')));
  await waitForImport(/Imported fer2013\.csv: 385 faces \(train 280, test 105\)/);
  assert.match(await dataset().locator('details.skipped').innerText(), /1 entry was skipped/);
  const csvIds = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve) => {
      const request = indexedDB.open('facet-datasets');
      request.onsuccess = () => resolve(request.result);
    });
    const id = localStorage.getItem('facet.activeDataset');
    return new Promise<string[]>((resolve) => {
      const request = db.transaction('records').objectStore('records').get(`columns:${id}`);
      request.onsuccess = () => resolve(request.result.imageIds);
    });
  });
  assert.deepEqual([...csvIds].sort(), [...stored.ids].sort());
  assert.equal(await datasetOptions().count(), 2);
});

test('bad files get a message naming the problem and damage nothing stored', async () => {
  const cases: [string, Uint8Array | string, RegExp][] = [
    ['notes.txt', 'these are my notes, not faces', /“notes\.txt” is neither a ZIP archive nor a FER2013 CSV/],
    ['truncated.zip', readFileSync(MINI).subarray(0, 300_000), /corrupt|truncated/i],
    ['holiday.zip', zipSync({ 'photos/beach.txt': strToU8('sand') }), /No FER2013 faces found in “holiday\.zip”: expected train\/<emotion>\//],
  ];
  for (const [name, bytes, message] of cases) {
    await importFile(fixture(name, bytes));
    const alert = dataset().getByRole('alert');
    await alert.filter({ hasText: message }).waitFor({ timeout: 60_000 });
  }
  assert.equal(await datasetOptions().count(), 2);
  await page.reload();
  await waitForImport(/fer2013\.csv: 385 faces/);
  assert.equal(await datasetOptions().count(), 2);
});

test('a dataset can be deleted', async () => {
  page.once('dialog', (dialog) => void dialog.accept());
  await dataset().getByRole('button', { name: 'Delete dataset' }).click();
  await waitForImport(/Deleted fer2013\.csv\. fer2013-mini\.zip: 385 faces/);
  assert.equal(await datasetOptions().count(), 1);
  assert.match(await statusText(), /Deleted/);
});

test('no request leaves 127.0.0.1', () => {
  assert.deepEqual(foreignRequests(harness), []);
});
