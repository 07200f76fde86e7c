import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { unzipSync, zipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { foreignRequests, startHarness, type Harness } from './harness';
import { CLIP_ROW, embedDataset, importDataset, loadModel, MINI, resultCell } from './steps';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// fer2013-mini with the tiny CLIP-shaped model: random forests on raw pixels and on CLIP embeddings fill their
// Results rows, a forest can be cancelled with nothing saved, a 2-configuration sweep fills its table, and two
// saved MLP runs compare side by side.
let harness: Harness;
let page: Page;
before(async () => {
  harness = await startHarness();
  page = await harness.newPage();
});
after(() => harness?.close());

const region = (name: RegExp) => page.getByRole('region', { name });
const forest = () => region(/Train/).getByRole('group', { name: 'Random forest' });
const sweep = () => region(/Train/).getByRole('group', { name: 'Hyperparameter sweep' });

test('a small forest on raw pixels grows, is scored like the MLP and fills its Results row', async () => {
  await importDataset(page);

  await forest().getByLabel('Forest input').selectOption('raw-pixels');
  await forest().getByLabel('Trees').fill('8');
  await forest().getByRole('button', { name: 'Grow forest' }).click();
  const status = forest().getByRole('status').filter({ hasText: /^Grew 8 trees on/ });
  await status.waitFor({ timeout: 120_000 });
  assert.match(await status.innerText(), /Grew 8 trees on \d+ images \(raw pixels.*\) in [\d.]+ s \([\d.]+ s per tree.*test accuracy [\d.]+%, out-of-bag [\d.]+%\. Stored: [\d.]+ (KB|MB)\./);
  assert.match(await forest().getByTestId('forest-accuracy').innerText(), /Train [\d.]+% · test [\d.]+% \(105 images\) · PublicTest (—|[\d.]+%) · PrivateTest [\d.]+%/);
  assert.equal(await forest().locator('table.confusion tbody tr').count(), 7);
  // What smaller forests reach, and how long the paper's 10,000 trees would take at this rate.
  const sizes = forest().locator('table.forest-sizes tbody tr');
  assert.deepEqual(await sizes.locator('td:first-child').allInnerTexts(), ['1', '2', '5', '8', '10,000']);
  assert.match(await sizes.last().innerText(), /10,000\s+not grown\s+[\d.]+ (s|min|h)/);
  // the time of one tree has its digits (0.01 s, not a rounded-up "1 s")
  const perTree = /at ([\d.]+) s per tree/.exec(await forest().locator('table.forest-sizes thead').innerText())![1];
  assert.ok(Number(perTree) < 1, `${perTree} s per tree on 385 faces`);
  assert.equal(await sizes.first().locator('td').last().innerText(), perTree === '0.00' ? '< 0.01 s' : `${perTree} s`);
  const cell = await resultCell(page, 'raw-pixels', 'forest').innerText();
  assert.match(cell, /^[\d.]+%\s+paper 48\.90%\s+train [\d.]+% · random forest, 8 trees, max depth none, min leaf 1, sqrt features per split.*s per tree · [\d.]+ s/);
  // Grown trees fit their training set: train accuracy well above chance.
  const train = Number(/Train ([\d.]+)%/.exec(await forest().getByTestId('forest-accuracy').innerText())![1]);
  assert.ok(train > 60, `train accuracy ${train}%`);
  assert.equal(await forest().locator('table.forest-runs tbody tr').count(), 1);
});

test('a forest shows trees/s and an ETA while it grows, and a cancel saves nothing', async () => {
  await forest().getByLabel('Trees').fill('20000');
  await forest().getByRole('button', { name: 'Grow forest' }).click();
  await page.waitForFunction(
    () => /^Tree [\d,]+ \/ 20,000 · [\d.]+ trees\/s · ETA/.test(document.querySelector('[role=progressbar][aria-label="Forest progress"]')?.getAttribute('aria-valuetext') ?? ''),
    undefined,
    { polling: 20, timeout: 120_000 },
  );
  await forest().getByRole('button', { name: 'Cancel' }).click();
  await forest().getByRole('status').filter({ hasText: 'The forest was cancelled; nothing of it was saved.' }).waitFor({ timeout: 30_000 });
  assert.equal(await forest().locator('table.forest-runs tbody tr').count(), 1);
  await forest().getByLabel('Trees').fill('8');
});

test('a forest on the CLIP embeddings fills the CLIP + random forest row', async () => {
  await loadModel(page, `${harness.url}/models/tiny/`);
  await embedDataset(page);
  await region(/Embed/).getByTestId('embed-coverage').filter({ hasText: /^384 of 384/ }).waitFor();

  await forest().getByLabel('Forest input').selectOption('clip');
  await forest().getByRole('button', { name: 'Grow forest' }).click();
  await forest().getByRole('status').filter({ hasText: /^Grew 8 trees on \d+ images \(CLIP/ }).waitFor({ timeout: 120_000 });
  assert.match(await resultCell(page, CLIP_ROW, 'forest').innerText(), /^[\d.]+%\s+paper 68\.17%\s+train [\d.]+% · random forest, 8 trees.*CLIP/);
  assert.equal(await forest().locator('table.forest-runs tbody tr').count(), 2);
  // Each Results figure opens its run: the raw-pixel forest's cell shows that forest in the forest panel again.
  await resultCell(page, 'raw-pixels', 'forest').getByRole('button', { name: /open its run/ }).click();
  await forest().getByRole('status').filter({ hasText: /^Grew 8 trees on \d+ images \(raw/ }).waitFor();
});

test('a 2-configuration sweep trains one after another and shows two sortable rows', async () => {
  const train = region(/Train/);
  await train.getByLabel('Features').selectOption('clip');
  await train.getByLabel('Epochs').fill('3');
  await sweep().getByLabel('Sweep hidden sizes').fill('16; 32');
  await sweep().getByLabel('Sweep learning rates').fill('0.001');
  await sweep().getByLabel('Sweep dropouts').fill('0.2');
  await sweep().getByRole('button', { name: 'Run sweep' }).click();
  await sweep().getByRole('status').filter({ hasText: /^Swept 2 configurations on CLIP/ }).waitFor({ timeout: 120_000 });
  const rows = sweep().locator('table.sweep-results tbody tr');
  assert.equal(await rows.count(), 2);
  assert.deepEqual((await rows.locator('td:first-child').allInnerTexts()).sort(), ['16', '32']);
  for (const text of await rows.allInnerTexts()) assert.match(text, /\t0\.001\t0\.2\t[\d.]+%\t[\d.]+%\t[1-3] \(best [1-3]\)\t[\d.]+ s/);
  // Sorting by time, ascending: the times column reads in order.
  await sweep().getByRole('button', { name: /^Time/ }).click();
  assert.equal(await sweep().locator('th[aria-sort="ascending"]').innerText(), 'Time ↑');
  const times = (await rows.locator('td:nth-child(7)').allInnerTexts()).map((t) => parseFloat(t));
  assert.ok(times[0] <= times[1], times.join(', '));
  // A row's settings go to the MLP form.
  await sweep().getByRole('button', { name: 'Use hidden 32, learning rate 0.001, dropout 0.2 for the MLP' }).click();
  assert.equal(await train.getByLabel('Hidden layers').inputValue(), '32');
  // A bad grid entry is named.
  await sweep().getByLabel('Sweep dropouts').fill('0.2, 2');
  await sweep().getByRole('button', { name: 'Run sweep' }).click();
  await sweep().getByRole('alert').filter({ hasText: 'Sweep dropouts: "2" is not from 0 to below 1' }).waitFor();
  assert.equal(await rows.count(), 2);
});

test('a sweep cancelled part-way keeps the rows it finished', async () => {
  // Two small configurations, then two large ones (4096-4096: seconds each, even on fer2013-mini): once the first row
  // is in, the pause lands before the sweep can end, however busy the machine (small ones alone all finished first
  // under a CPU hog).
  await sweep().getByLabel('Sweep hidden sizes').fill('16; 4096-4096');
  await sweep().getByLabel('Sweep learning rates').fill('0.001, 0.0005');
  await sweep().getByLabel('Sweep dropouts').fill('0.2');
  await sweep().getByRole('button', { name: 'Run sweep' }).click();
  const rows = sweep().locator('table.sweep-results tbody tr');
  // At least one row, not exactly one: on a busy machine two rows can appear in one render, and the count never reads 1.
  await page.waitForFunction(() => document.querySelectorAll('table.sweep-results tbody tr').length >= 1, undefined, { polling: 10, timeout: 120_000 });
  // Paused first: a configuration on fer2013-mini takes a fraction of a second, so an unpaused sweep may end before
  // the cancel reaches it. A paused sweep waits between batches until the cancel wakes it. Dispatched, not clicked:
  // a click waits for the row to stand still while progress streams in.
  await sweep().getByRole('button', { name: 'Pause' }).dispatchEvent('click');
  await sweep().getByRole('button', { name: 'Resume' }).waitFor();
  // The status names the configuration in progress and the bar counts the finished ones: read together, they agree,
  // and the bar does not print the status line a second time.
  const shownNow = () =>
    sweep().evaluate((group) => {
      const bar = group.querySelector('[role=progressbar]');
      return {
        status: group.querySelector('[role=status]')?.textContent ?? '',
        bar: bar?.getAttribute('aria-valuetext') ?? '',
        row: bar?.closest('.progress-row')?.textContent ?? '',
      };
    });
  const shown = await shownNow();
  const configuration = /Configuration (\d) of 4/.exec(shown.status);
  const finished = /^Finished (\d) \/ 4/.exec(shown.bar);
  assert.ok(configuration && finished, JSON.stringify(shown));
  assert.equal(Number(finished[1]), Number(configuration[1]) - 1, JSON.stringify(shown));
  assert.ok(!shown.row.includes(shown.status), JSON.stringify(shown));
  await sweep().getByRole('button', { name: 'Cancel' }).dispatchEvent('click');
  const status = sweep().getByRole('status').filter({ hasText: /^Sweep cancelled after [1-3] of 4 configurations; their rows are kept below\.$/ });
  await status.waitFor({ timeout: 60_000 });
  const kept = Number(/after (\d+)/.exec(await status.innerText())![1]);
  assert.equal(await rows.count(), kept);
});

test('two saved MLP runs compare side by side with their validation curves overlaid', async () => {
  const train = region(/Train/);
  for (const hidden of ['16', '48']) {
    await train.getByLabel('Hidden layers').fill(hidden);
    await train.getByRole('button', { name: 'Train' }).click();
    await train.getByRole('status').filter({ hasText: /^Trained on/ }).waitFor({ timeout: 120_000 });
  }
  const compare = train.getByRole('group', { name: 'Compare runs' });
  const boxes = compare.getByRole('checkbox');
  assert.equal(await boxes.count(), 2);
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  const table = compare.locator('table.compare-runs');
  await table.waitFor();
  assert.match(await table.getByRole('row', { name: /^Hidden/ }).innerText(), /Hidden\s+16\s+48/);
  assert.match(await table.getByRole('row', { name: /^Test accuracy/ }).innerText(), /Test accuracy\s+[\d.]+%\s+[\d.]+%/);
  assert.equal(await compare.locator('svg[aria-label="Validation accuracy per epoch"] path.curve').count(), 2);
  // Legends and column heads name a run shortly ("Run 2 · 14:02"), each on one line, and the overlaid curves get
  // charts larger than a single run's 360 px.
  const legends = compare.locator('figure.chart .legend');
  assert.equal(await legends.count(), 4);
  for (const legend of await legends.all()) {
    assert.match(await legend.innerText(), /^Run \d+ · (\d+ \w+ )?\d\d:\d\d$/);
    const lines = await legend.evaluate((el) => el.getClientRects().length);
    assert.equal(lines, 1, `${await legend.innerText()} wraps onto ${lines} lines`);
  }
  const chart = await compare.locator('svg[aria-label="Validation accuracy per epoch"]').boundingBox();
  assert.ok(chart && chart.width >= 500 && chart.height >= 250, `compare chart ${chart?.width}×${chart?.height}`);
});

test('the forest, sweep and comparison views have no WCAG A/AA violations', async () => {
  await page.evaluate(AXE);
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run('#train', { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations;
  })) as { id: string; nodes: { target: string[] }[] }[];
  assert.deepEqual(
    violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`)),
    [],
  );
});

test('a forest cut off by a reload is named in the interrupted-work notice, and nothing of it is saved', async () => {
  await forest().getByLabel('Trees').fill('20000');
  await forest().getByRole('button', { name: 'Grow forest' }).click();
  await page.waitForFunction(
    () => /^Tree [\d,]+ \/ 20,000/.test(document.querySelector('[role=progressbar][aria-label="Forest progress"]')?.getAttribute('aria-valuetext') ?? ''),
    undefined,
    { polling: 20, timeout: 120_000 },
  );
  await page.reload();
  const notice = page.getByRole('complementary', { name: 'Interrupted work' });
  await notice.waitFor();
  assert.match(await notice.innerText(), /Random forest: stopped at “Tree [\d,]+ of 20,?000.*That forest was not saved; forests saved before are kept/s);
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await forest().getByRole('status').filter({ hasText: /^Restored: / }).waitFor({ timeout: 30_000 });
  assert.equal(await forest().locator('table.forest-runs tbody tr').count(), 2);
  await forest().getByLabel('Trees').fill('8');
});

test('forest runs are kept: a reload lists them and refills both forest rows', async () => {
  await page.reload();
  await forest().getByRole('status').filter({ hasText: /^Restored: Grew 8 trees/ }).waitFor({ timeout: 30_000 });
  assert.equal(await forest().locator('table.forest-runs tbody tr').count(), 2);
  assert.match(await resultCell(page, 'raw-pixels', 'forest').innerText(), /^[\d.]+%\s+paper 48\.90%/);
  assert.match(await resultCell(page, CLIP_ROW, 'forest').innerText(), /^[\d.]+%\s+paper 68\.17%/);
  // The session record carries the forest settings and figures.
  const [download] = await Promise.all([page.waitForEvent('download'), region(/Results/).getByRole('button', { name: 'Download session record (JSON)' }).click()]);
  const record = JSON.parse(readFileSync((await download.path())!, 'utf8'));
  assert.equal(record.extra.randomForest.settings.trees, 8);
  assert.deepEqual(record.extra.randomForest.runs.map((r: { features: string }) => r.features.split(' ')[0]).sort(), ['CLIP', 'raw']);
  await forest().getByRole('button', { name: 'Delete forest' }).first().click();
  await page.waitForFunction(() => document.querySelectorAll('table.forest-runs tbody tr').length === 1);
});

test('runs are listed for the active dataset only; figures not comparable with the paper carry badges', async () => {
  const train = region(/Train/);
  // fer2013-mini has 105 test faces (a subset), and the tiny model has random weights (a test model)
  const caveats = (row: string, column: string) => resultCell(page, row, column).locator('[data-caveat]').evaluateAll((badges) => badges.map((b) => b.getAttribute('data-caveat')));
  assert.deepEqual(await caveats(CLIP_ROW, 'mlp'), ['subset', 'test-model']);
  assert.deepEqual(await caveats('raw-pixels', 'forest'), ['subset']);
  assert.match(await resultCell(page, CLIP_ROW, 'mlp').locator('[data-caveat="test-model"]').getAttribute('title') ?? '', /random weights/);
  assert.equal(await train.locator('table.runs tbody tr').count(), 2);
  assert.equal(await train.locator('table.runs tbody tr [data-caveat="test-model"]').count(), 2);

  // Another dataset (a third of mini's faces, a different archive) becomes the active one: mini's runs are not
  // listed as its own, and Results no longer shows mini's figures.
  const zip = unzipSync(new Uint8Array(readFileSync(MINI)));
  const third = Object.fromEntries(Object.entries(zip).filter(([name], i) => /\.(jpe?g|png)$/i.test(name) && i % 3 === 0));
  const other = join(mkdtempSync(join(tmpdir(), 'facet-e2e-other-')), 'fer2013-third.zip');
  writeFileSync(other, zipSync(third));
  await importDataset(page, other).catch(async (error: Error) => {
    throw new Error(`${error.message}\nThe Dataset section shows: ${await region(/Dataset/).locator('[role=status], [role=alert]').allInnerTexts()}`);
  });
  await train.getByTestId('other-dataset-runs').first().waitFor();
  assert.equal(await train.locator('table.runs').count(), 0);
  assert.equal(await forest().locator('table.forest-runs').count(), 0);
  assert.equal(await train.getByRole('group', { name: 'Compare runs' }).count(), 0);
  assert.match(await train.getByTestId('other-dataset-runs').first().innerText(), /2 saved runs of other datasets not listed/);
  for (const [row, column] of [[CLIP_ROW, 'mlp'], ['raw-pixels', 'forest']]) assert.match(await resultCell(page, row, column).innerText(), /not run yet/);

  // Back to mini: its runs and figures return.
  const datasets = region(/Dataset/).getByLabel('Stored datasets');
  await datasets.selectOption((await datasets.locator('option', { hasText: 'fer2013-mini' }).getAttribute('value'))!);
  await train.locator('table.runs tbody tr').nth(1).waitFor();
  await resultCell(page, CLIP_ROW, 'mlp').locator('[data-caveat="subset"]').waitFor();
});

test('no request leaves 127.0.0.1', () => {
  assert.deepEqual(foreignRequests(harness), []);
});
