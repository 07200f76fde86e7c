import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { foreignRequests, startHarness, type Harness } from './harness';
import { CLIP_ROW, embedDataset, importDataset, loadModel, region, resultCell } from './steps';

// fer2013-mini with the tiny CLIP-shaped model: the linear probe (the registry's third classifier) fits on the
// CLIP embeddings, fills its own Results row and survives a reload; a sweep's table survives a reload too, and
// both are in the storage panel and the HTML report.
let harness: Harness;
let page: Page;
before(async () => {
  harness = await startHarness();
  page = await harness.newPage();
});
after(() => harness?.close());

const train = () => region(page, 'Train');
const probe = () => train().getByRole('group', { name: 'Linear probe' });
const sweep = () => train().getByRole('group', { name: 'Hyperparameter sweep' });

test('a linear probe on the CLIP embeddings chooses C on validation and fills its Results row', async () => {
  await importDataset(page);
  await loadModel(page, `${harness.url}/models/tiny/`);
  await embedDataset(page);

  await probe().getByLabel('Probe input').selectOption('clip');
  assert.equal(await probe().getByLabel('C values').inputValue(), 'auto');
  await probe().getByRole('button', { name: 'Fit linear probe' }).click();
  const status = probe().getByRole('status').filter({ hasText: /^Fitted \d+ values of C/ });
  await status.waitFor({ timeout: 180_000 });
  assert.match(await status.innerText(), /^Fitted (1[3-9]) values of C on \d+ images \(CLIP .*\) in [\d.]+ s \([\d,]+ L-BFGS iterations\): chosen C [\d.e+-]+ \(validation accuracy [\d.]+% on \d+ images\), test accuracy [\d.]+%\.$/);
  // The C sweep: every C fitted, the chosen one marked, and the plot of it.
  const rows = probe().locator('table.probe-sweep tbody tr');
  assert.ok((await rows.count()) >= 13, `${await rows.count()} values of C`);
  assert.equal(await probe().locator('table.probe-sweep tbody tr[aria-current="true"]').count(), 1);
  assert.match(await probe().locator('table.probe-sweep tbody tr[aria-current="true"]').innerText(), /\(chosen\)/);
  await probe().getByRole('img', { name: /^Validation accuracy per C; chosen C / }).waitFor();
  assert.match(await probe().getByTestId('probe-accuracy').innerText(), /Train [\d.]+% · test [\d.]+% \(105 images\)/);
  assert.equal(await probe().locator('table.confusion tbody tr').count(), 7);
  // the paper reports no linear probe: the cell has Facet's figure only
  assert.match(await resultCell(page, CLIP_ROW, 'linear-probe').innerText(), /^[\d.]+%\s+train [\d.]+% · linear probe .*chosen C .*CLIP/);
  assert.equal(await probe().locator('table.probe-runs tbody tr').count(), 1);
});

test('a sweep stores its table', async () => {
  await train().getByLabel('Features').selectOption('clip');
  await train().getByLabel('Epochs').fill('2');
  await sweep().getByLabel('Sweep hidden sizes').fill('16; 32');
  await sweep().getByLabel('Sweep learning rates').fill('0.001');
  await sweep().getByLabel('Sweep dropouts').fill('0.2');
  await sweep().getByRole('button', { name: 'Run sweep' }).click();
  await sweep().getByRole('status').filter({ hasText: /^Swept 2 configurations on CLIP/ }).waitFor({ timeout: 120_000 });
  assert.equal(await sweep().locator('table.sweep-results tbody tr').count(), 2);
  assert.equal(await sweep().locator('table.sweeps tbody tr').count(), 1);
});

test('after a reload the probe, its Results row and the sweep table are back', async () => {
  const testAccuracy = (await resultCell(page, CLIP_ROW, 'linear-probe').getByRole('button').innerText()).trim();
  const sweepRows = await sweep().locator('table.sweep-results tbody tr').allInnerTexts();
  await page.reload();
  await probe().getByRole('status').filter({ hasText: /^Restored: Fitted/ }).waitFor({ timeout: 30_000 });
  assert.equal((await resultCell(page, CLIP_ROW, 'linear-probe').getByRole('button').innerText()).trim(), testAccuracy);
  assert.equal(await probe().locator('table.confusion tbody tr').count(), 7);
  await sweep().getByRole('status').filter({ hasText: /^Restored: Swept 2 configurations/ }).waitFor({ timeout: 30_000 });
  assert.deepEqual(await sweep().locator('table.sweep-results tbody tr').allInnerTexts(), sweepRows);
  assert.match(await page.getByRole('list', { name: 'Stored hyperparameter sweeps' }).innerText(), /Swept 2 configurations on CLIP/);
});

test('the report shows the probe with its C sweep and confusion matrix, and the sweep table', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), region(page, 'Results').getByRole('button', { name: 'Download report (HTML)' }).click()]);
  const html = readFileSync((await download.path())!, 'utf8');
  assert.match(html, /<tr data-row="clip-vit-b-32">.*?<td data-cell="linear-probe"><strong>[\d.]+%<\/strong><br><small class="settings">train [\d.]+% · linear probe/);
  const probeSection = html.slice(html.indexOf('<h2>Linear probes</h2>'));
  assert.ok(html.includes('<h2>Linear probes</h2>'), 'a section for the linear probes');
  assert.match(probeSection, /Validation accuracy per C/);
  assert.match(probeSection, /\(chosen\)/);
  assert.match(probeSection, /Confusion matrix on the test split/);
  assert.match(html, /<h2>Hyperparameter sweeps<\/h2>/);
});

test('the storage panel lists the probe and the sweep, and deletes the sweep', async () => {
  await page.getByRole('button', { name: 'Manage storage' }).click();
  const panel = page.getByRole('dialog', { name: 'Stored in this browser' });
  const probes = panel.getByRole('region', { name: 'Linear probe runs' });
  await probes.getByRole('row', { name: /CLIP linear probe, .* test accuracy [\d.]+% · linear probe/ }).waitFor();
  const sweeps = panel.getByRole('region', { name: 'Sweep tables' });
  const sweepRow = sweeps.getByRole('row', { name: /Swept 2 configurations on CLIP/ });
  await sweepRow.waitFor();
  await sweepRow.getByRole('button', { name: /^Delete Swept/ }).click();
  await panel.getByRole('status').filter({ hasText: /^Deleted Swept/ }).waitFor();
  await panel.getByRole('button', { name: 'Close' }).click();
  assert.equal(await sweep().locator('table.sweeps tbody tr').count(), 0);
  await page.reload();
  await probe().getByRole('status').filter({ hasText: /^Restored: Fitted/ }).waitFor({ timeout: 30_000 });
  assert.equal(await sweep().locator('table.sweep-results tbody tr').count(), 0);
});

test('no request leaves 127.0.0.1', () => {
  assert.deepEqual(foreignRequests(harness), []);
});
