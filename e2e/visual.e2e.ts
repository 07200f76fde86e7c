import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { startHarness, type Harness } from './harness';
import { embedDataset, importDataset, loadModel, region } from './steps';

// The visual pass: every section in its fullest state, in the light and the dark theme, as screenshots written to
// test-results/screenshots/ (git-ignored) for a person to look at, plus the rules a screenshot cannot check
// reliably: one table style, buttons side by side, a strong confusion heatmap, /diagnostics.html styled like the app.
const SHOTS = new URL('../test-results/screenshots/', import.meta.url).pathname;
const SECTIONS = ['Dataset', 'Embed', 'Train', 'Explore', 'Classify', 'Results'];
let harness: Harness;
let page: Page;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  harness = await startHarness();
  page = await harness.newPage();
});
after(() => harness?.close());

test('the notebook filled in: tables, forest, sweep, comparison and map', async () => {
  await importDataset(page);
  await loadModel(page, `${harness.url}/models/tiny/`);
  await embedDataset(page);
  const train = region(page, 'Train');
  await train.getByLabel('Features').selectOption('clip');
  await train.getByLabel('Epochs').fill('3');
  for (const hidden of ['16', '32']) {
    await train.getByLabel('Hidden layers').fill(hidden);
    await train.getByRole('button', { name: 'Train' }).click();
    await train.getByRole('status').filter({ hasText: /^Trained on/ }).waitFor({ timeout: 120_000 });
  }
  const forest = train.getByRole('group', { name: 'Random forest' });
  await forest.getByLabel('Forest input').selectOption('raw-pixels');
  await forest.getByLabel('Trees').fill('4');
  await forest.getByRole('button', { name: 'Grow forest' }).click();
  await forest.getByRole('status').filter({ hasText: /^Grew 4 trees/ }).waitFor({ timeout: 120_000 });
  const sweep = train.getByRole('group', { name: 'Hyperparameter sweep' });
  await sweep.getByLabel('Sweep hidden sizes').fill('16; 32');
  await sweep.getByLabel('Sweep learning rates').fill('0.001');
  await sweep.getByLabel('Sweep dropouts').fill('0.2');
  await sweep.getByRole('button', { name: 'Run sweep' }).click();
  await sweep.getByRole('status').filter({ hasText: /^Swept 2 configurations/ }).waitFor({ timeout: 120_000 });
  const compare = train.getByRole('group', { name: 'Compare runs' });
  for (const box of await compare.getByRole('checkbox').all()) await box.check();
  const explore = region(page, 'Explore');
  await explore.getByLabel('Projection').selectOption('pca');
  await explore.getByRole('button', { name: 'Map' }).click();
  await explore.getByRole('status').filter({ hasText: /^PCA of 385 images/ }).waitFor({ timeout: 120_000 });
  // a pinned face with its neighbours, for the screenshot and the caption check below
  await explore.getByLabel('Image id').fill('#0');
  await explore.getByRole('button', { name: 'Jump' }).click();
  await explore.getByTestId('explore-pinned').getByRole('img').nth(12).waitFor();
});

test('pinned neighbours have even captions: each one line of true emotion and cosine', async () => {
  const captions = await page.getByTestId('explore-pinned').locator('li .probability').evaluateAll((spans) =>
    spans.map((s) => ({ text: s.textContent ?? '', lines: s.getClientRects().length, height: s.getBoundingClientRect().height })),
  );
  assert.equal(captions.length, 13);
  assert.deepEqual(captions.filter((c) => c.lines !== 1), [], 'captions on more than one line');
  assert.equal(new Set(captions.map((c) => c.height)).size, 1, JSON.stringify(captions));
  for (const c of captions.slice(1)) assert.match(c.text, /^(angry|disgust|fear|happy|sad|surprise|neutral) -?\d\.\d{3}$/);
});

test('one table style: left-aligned, normal-weight headers, roomy cells, buttons side by side', async () => {
  const headers = await page.locator('main table th').evaluateAll((cells) =>
    cells.map((th) => ({ text: th.textContent, weight: getComputedStyle(th).fontWeight, align: getComputedStyle(th).textAlign })),
  );
  assert.ok(headers.length > 40, `${headers.length} header cells`);
  assert.deepEqual(headers.filter((h) => h.weight !== '400' || !['left', 'start'].includes(h.align)), []);
  for (const table of ['table.runs', 'table.forest-sizes', 'table.forest-runs', 'table.sweep-results', 'table.compare-runs', 'table.results-table']) {
    const padding = await page.locator(`${table} td`).first().evaluate((td) => parseFloat(getComputedStyle(td).paddingTop));
    assert.ok(padding >= 6, `${table}: ${padding}px cell padding`);
  }
  // several buttons in one cell stay on one line
  const stacked = await page.locator('main td').evaluateAll((cells) =>
    cells.filter((td) => {
      const tops = [...td.querySelectorAll('button')].map((b) => b.getBoundingClientRect().top);
      return tops.length > 1 && Math.max(...tops) - Math.min(...tops) > 2;
    }).length,
  );
  assert.equal(stacked, 0, 'cells with buttons stacked');
});

test('the confusion heatmap is strongly tinted: its strongest cells carry most of the accent', async () => {
  const tints = (await page.locator('#train table.confusion').first().locator('td').evaluateAll((cells) => cells.map((td) => Number(td.getAttribute('data-tint'))))).sort((a, b) => b - a);
  assert.equal(tints.length, 49);
  assert.ok(tints[0] >= 50, `strongest cell ${tints[0]}% accent`);
});

for (const theme of ['light', 'dark'] as const) {
  test(`every section, the storage panel and /diagnostics.html in the ${theme} theme`, async () => {
    await page.emulateMedia({ colorScheme: theme });
    const background = theme === 'light' ? 'rgb(247, 247, 245)' : 'rgb(21, 23, 27)';
    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor), background);
    for (const name of SECTIONS) {
      const section = region(page, name);
      await section.screenshot({ path: `${SHOTS}${theme}-${name.toLowerCase()}.png`, animations: 'disabled' });
    }
    await page.getByRole('button', { name: 'Manage storage' }).click();
    const panel = page.getByRole('dialog', { name: 'Stored in this browser' });
    await panel.locator('table').first().waitFor();
    // words break only where a long key would overflow, not mid-word everywhere ("vecto/rs")
    assert.deepEqual(await panel.locator('td, th').evaluateAll((cells) => cells.filter((c) => getComputedStyle(c).wordBreak === 'break-all').map((c) => c.textContent)), []);
    await panel.screenshot({ path: `${SHOTS}${theme}-storage.png` });
    await page.keyboard.press('Escape');

    const diagnostics = await harness.context.newPage();
    await diagnostics.emulateMedia({ colorScheme: theme });
    await diagnostics.goto(`${harness.url}/diagnostics.html`);
    assert.equal(await diagnostics.evaluate(() => getComputedStyle(document.documentElement).backgroundColor), background);
    assert.match(await diagnostics.locator('.section').evaluate((s) => getComputedStyle(s).borderRadius), /^\d+px$/);
    assert.notEqual(await diagnostics.locator('.section').evaluate((s) => getComputedStyle(s).borderRadius), '0px');
    await diagnostics.screenshot({ path: `${SHOTS}${theme}-diagnostics.png`, fullPage: true });
    await diagnostics.close();
  });
}
