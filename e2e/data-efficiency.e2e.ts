import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { foreignRequests, startHarness, type Harness } from './harness';
import { embedDataset, importDataset, loadModel, region } from './steps';

// fer2013-mini with the tiny CLIP-shaped model: a small data-efficiency curve (k = 1, 2, 4 and all; 2 draws) on the
// CLIP embeddings with the zero-shot line, its chart and table, a reload that keeps it, a re-run that skips every
// stored point, the report's figure, the CSV and SVG downloads, and the storage panel.
let harness: Harness;
let page: Page;
before(async () => {
  harness = await startHarness();
  page = await harness.newPage();
});
after(() => harness?.close());

const curve = () => region(page, 'Train').getByRole('group', { name: 'Data efficiency' });

async function setSmallCurve(): Promise<void> {
  await curve().getByLabel('Curve input').selectOption('clip');
  await curve().getByLabel('Faces per emotion (k)').fill('1, 2, 4');
  await curve().getByLabel('Draws per k').fill('2');
}

test('a small curve runs in the worker, point by point, and is drawn with the zero-shot line and the paper mark', async () => {
  await importDataset(page);
  await loadModel(page, `${harness.url}/models/tiny/`);
  await embedDataset(page);
  const embed = region(page, 'Embed');
  await embed.getByRole('button', { name: /Run zero-shot/ }).click();
  await embed.locator('.zero-shot-table').waitFor({ timeout: 60_000 });

  await setSmallCurve();
  await curve().getByRole('button', { name: 'Run curve' }).click();
  const done = curve().getByRole('status').filter({ hasText: /^Linear probe on CLIP .*: 7 points, all labels [\d.]+%; zero-shot \([\d.]+%\) is worth / });
  await done.waitFor({ timeout: 240_000 });
  const chart = curve().getByTestId('data-efficiency-curve');
  assert.equal(await chart.getAttribute('data-points'), '7');
  await chart.getByRole('img', { name: /^Test accuracy against labelled faces per emotion: linear probe on CLIP/ }).waitFor();
  assert.equal(await chart.locator('svg circle').count(), 4);
  assert.equal(await chart.locator('svg line.zero-shot').count(), 1);
  assert.equal(await chart.locator('svg path.paper').count(), 1);
  const rows = chart.locator('table.data-efficiency-table tbody tr');
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-k'))), ['1', '2', '4', 'all']);
  assert.match(await rows.first().innerText(), /^1\s+2\s+[\d.]+%\s+[\d.]+% – [\d.]+%\s+[\d.]+ pt\s+[\d.]+%$/);
  assert.match(await page.getByRole('list', { name: 'Stored data-efficiency curves' }).innerText(), /Linear probe on CLIP .*: 7 points/);
});

test('after a reload the curve is back, and the same settings run again skip every stored point', async () => {
  const table = await curve().locator('table.data-efficiency-table').innerText();
  await page.reload();
  await curve().getByRole('status').filter({ hasText: /^Restored: Linear probe on CLIP .*: 7 points/ }).waitFor({ timeout: 30_000 });
  assert.equal(await curve().locator('table.data-efficiency-table').innerText(), table);
  // The form holds the restored study's settings: running it again finds all 7 points stored.
  assert.equal(await curve().getByLabel('Faces per emotion (k)').inputValue(), '1, 2, 4');
  await curve().getByRole('button', { name: 'Run curve' }).click();
  await curve().getByRole('status').filter({ hasText: /^Resumed \(7 points were stored\)\. Linear probe on CLIP .*: 7 points/ }).waitFor({ timeout: 60_000 });
  assert.equal(await curve().locator('table.data-efficiency-table').innerText(), table);
  assert.equal(await curve().locator('table.data-efficiency-studies tbody tr').count(), 1);
});

test('the curve downloads as CSV and SVG and is in the report and the session record', async () => {
  const [csv] = await Promise.all([page.waitForEvent('download'), curve().getByRole('button', { name: 'Download curve (CSV)' }).click()]);
  const lines = readFileSync((await csv.path())!, 'utf8').split('\n');
  assert.equal(lines[0], 'k_per_emotion,draws,mean_test_accuracy,sd,min,max,mean_clean_accuracy,mean_train_faces');
  assert.deepEqual(lines.slice(1, 5).map((l) => l.split(',')[0]), ['1', '2', '4', 'all']);
  const [svg] = await Promise.all([page.waitForEvent('download'), curve().getByRole('button', { name: 'Download chart (SVG)' }).click()]);
  assert.match(readFileSync((await svg.path())!, 'utf8'), /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg".*class="zero-shot"/);

  const results = region(page, 'Results');
  const [report] = await Promise.all([page.waitForEvent('download'), results.getByRole('button', { name: 'Download report (HTML)' }).click()]);
  const html = readFileSync((await report.path())!, 'utf8');
  const section = html.slice(html.indexOf('<h2>Data efficiency'));
  assert.ok(html.includes('<h2>Data efficiency: how many labels is zero-shot worth</h2>'));
  assert.match(section, /<svg [^>]*role="img"/);
  assert.match(section, /<td>all<\/td>|<td>all<\/td>/);
  const [json] = await Promise.all([page.waitForEvent('download'), results.getByRole('button', { name: 'Download session record (JSON)' }).click()]);
  const record = JSON.parse(readFileSync((await json.path())!, 'utf8'));
  assert.equal(record.dataEfficiency.length, 1);
  assert.equal(record.dataEfficiency[0].points.length, 7);
  assert.deepEqual(record.extra.dataEfficiency.settings.ks, [1, 2, 4]);
});

test('the storage panel lists the curve and deletes it', async () => {
  await page.getByRole('button', { name: 'Manage storage' }).click();
  const panel = page.getByRole('dialog', { name: 'Stored in this browser' });
  const row = panel.getByRole('region', { name: 'Data-efficiency curves' }).getByRole('row', { name: /Linear probe on CLIP/ });
  await row.waitFor();
  await row.getByRole('button', { name: /^Delete / }).click();
  await panel.getByRole('status').filter({ hasText: /^Deleted / }).waitFor();
  await panel.getByRole('button', { name: 'Close' }).click();
  // The panel deletes through the curve's store: the Train section drops it at once, and a reload does not bring it back.
  assert.equal(await curve().locator('table.data-efficiency-studies tbody tr').count(), 0);
  assert.equal(await curve().getByTestId('data-efficiency-curve').count(), 0);
  await page.reload();
  await region(page, 'Train').waitFor();
  assert.equal(await curve().locator('table.data-efficiency-studies tbody tr').count(), 0);
});

test('a curve reloaded part-way keeps its finished points, and running it again finishes only the rest', async () => {
  await curve().getByLabel('Curve input').selectOption('clip');
  await curve().getByLabel('Faces per emotion (k)').fill('1, 2, 4, 8');
  await curve().getByLabel('Draws per k').fill('5');
  await curve().getByRole('button', { name: 'Run curve' }).click();
  // Paused once the third point starts: the job stops at the next point boundary, so it cannot finish before the reload.
  await curve().getByRole('status').filter({ hasText: /point ([3-9]|1[0-9]) of 21/ }).waitFor({ timeout: 120_000 });
  await curve().getByRole('button', { name: 'Pause' }).click();
  await curve().getByRole('status').filter({ hasText: /paused/ }).first().waitFor();
  await page.reload();
  const restored = curve().getByRole('status').filter({ hasText: /^Restored: Linear probe on CLIP .*: \d+ of 21 points/ });
  await restored.waitFor({ timeout: 30_000 });
  const stored = Number(/: (\d+) of 21 points/.exec(await restored.innerText())![1]);
  assert.ok(stored >= 2 && stored < 21, `${stored} points stored before the reload`);
  assert.match(await restored.innerText(), /Run the curve again with these settings to finish it/);
  await curve().getByRole('button', { name: 'Run curve' }).click();
  await curve().getByRole('status').filter({ hasText: new RegExp(`^Resumed \\(${stored} points were stored\\)\\. Linear probe on CLIP .*: 21 points`) }).waitFor({ timeout: 120_000 });
  assert.deepEqual(await curve().locator('table.data-efficiency-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-k'))), ['1', '2', '4', '8', 'all']);
});

test('no request leaves 127.0.0.1', () => {
  assert.deepEqual(foreignRequests(harness), []);
});
