import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { foreignRequests, startHarness, type Harness } from './harness';
import { embedDataset, importDataset, loadModel, region as regionOn, startMlpRun } from './steps';

// Occlusion maps with the tiny CLIP model (random weights) and a quick MLP: the maps' values mean nothing here,
// the tests check the plumbing (same encoder and classifier as the face's own prediction, the grid, the views,
// the stored per-emotion study, the report and the session record).
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SAMPLE = new URL('../node_modules/@vladmandic/face-api/demo/sample1.jpg', import.meta.url).pathname;

let harness: Harness;
let page: Page;
before(async () => {
  harness = await startHarness();
  page = await harness.newPage();
});
after(async () => {
  assert.deepEqual(foreignRequests(harness), []);
  await harness?.close();
});

const region = (name: string) => regionOn(page, name);

/** The heatmap figure drew colour over the face: some pixel is not gray. */
async function coloured(map: Locator): Promise<boolean> {
  const canvas = map.locator('canvas').first();
  await page.waitForFunction((el) => (el as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 48, 48).data[3] === 255, await canvas.elementHandle());
  return canvas.evaluate((el) => {
    const data = (el as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 48, 48).data;
    for (let i = 0; i < data.length; i += 4) if (data[i] !== data[i + 2]) return true;
    return false;
  });
}

/** The drops table: its column headers (patch x) and its numbers. */
async function dropsTable(map: Locator): Promise<{ columns: string[]; values: number[] }> {
  const table = map.locator('table.occlusion-numbers');
  const columns = (await table.locator('thead th').allInnerTexts()).slice(1);
  const values = (await table.locator('tbody td').allTextContents()).map(Number);
  return { columns, values };
}

test('Classify: a face’s occlusion map, scored by the run that classified it through the same CLIP session', async () => {
  await importDataset(page);
  await loadModel(page, `${harness.url}/models/tiny/`);
  await embedDataset(page);
  const train = await startMlpRun(page, 'clip', { Epochs: '2', 'Hidden layers': '32' });
  await train.getByTestId('train-accuracy').waitFor({ timeout: 120_000 });

  const classify = region('Classify');
  await classify.getByLabel('Photo', { exact: true }).setInputFiles(SAMPLE);
  const card = classify.getByRole('listitem', { name: 'Face 1', exact: true });
  await card.getByTestId('classify-mlp-bars').waitFor({ timeout: 120_000 });
  const bars = (await card.getByTestId('classify-mlp-bars').locator('.prob-value').allInnerTexts()).map((t) => Number(t.replace('%', '')));

  await card.getByRole('button', { name: 'Occlusion map of face 1' }).click();
  await card.getByRole('button', { name: 'Compute occlusion map' }).click();
  const map = card.getByTestId('occlusion-map');
  await map.waitFor({ timeout: 120_000 });
  const status = await card.getByRole('status').filter({ hasText: /^Occlusion map of face 1:/ }).innerText();
  const [, emotion, base] = status.match(/^Occlusion map of face 1: (\w+) at ([\d.]+)% on the intact face, by CLIP MLP 32/) ?? [];
  assert.ok(emotion, status);
  // The intact face went through the same preprocessing, encoder and run as the face's own prediction.
  assert.ok(Math.abs(Number(base) - Math.max(...bars)) <= 0.15, `${base}% vs the bars' ${Math.max(...bars)}%`);
  // The default: a 7×7 grid of 12-px patches at stride 6.
  const table = await dropsTable(map);
  assert.deepEqual(table.columns, ['0', '6', '12', '18', '24', '30', '36']);
  assert.equal(table.values.length, 49);
  assert.ok(table.values.every(Number.isFinite));
  assert.ok(await coloured(map), 'the heatmap is drawn over the face');

  // Patch and stride are settable: 16-px patches at stride 16 make a 3×3 grid.
  await card.getByLabel('Patch side (px)').fill('16');
  await card.getByLabel('Stride (px)').fill('16');
  await card.getByText('3×3 positions, 10 images per face').waitFor();
  await card.getByRole('button', { name: 'Compute occlusion map' }).click();
  await card.getByRole('status').filter({ hasText: /^Occlusion map of face 1:/ }).waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=occlusion-map] table.occlusion-numbers tbody tr').length === 3);
  assert.deepEqual((await dropsTable(map)).columns, ['0', '16', '32']);
  await card.getByLabel('Patch side (px)').fill('12');
  await card.getByLabel('Stride (px)').fill('6');
});

test('Train: a face opened from the confusion browser gets the same view, scored by the shown run', async () => {
  const train = region('Train');
  await train.locator('table.confusion button.cell').filter({ hasNotText: /^0$/ }).first().click();
  const faces = train.getByTestId('cell-faces');
  const open = faces.getByRole('button', { name: /^\d+% map: occlusion map of image #\d+$/ }).first();
  const name = (await open.getAttribute('aria-label'))!.replace(/^.*occlusion map of /, '');
  await open.click();
  await faces.getByRole('button', { name: 'Compute occlusion map' }).click();
  const map = faces.getByTestId('occlusion-map');
  await map.waitFor({ timeout: 120_000 });
  assert.match(await faces.getByRole('status').filter({ hasText: /^Occlusion map of/ }).innerText(), new RegExp(`^Occlusion map of ${name}: \\w+ at [\\d.]+% on the intact face, by CLIP MLP 32`));
  assert.equal((await dropsTable(map)).values.length, 49);
  assert.ok(await coloured(map));
});

/** axe's WCAG 2.1 A/AA violations in the given sections, through the page, as e2e/classify.e2e.ts runs it. */
async function axeViolations(sections: string[]): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async (sections) => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const found: string[] = [];
    for (const section of sections) {
      const result = await axe.run(section, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      found.push(...result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`)));
    }
    return found;
  }, sections);
}

test('the occlusion views (heatmaps, legends, tables of numbers) have no WCAG A/AA violations', async () => {
  assert.deepEqual(await axeViolations(['#classify', '#train']), []);
});

test('the per-emotion average maps are stored: they survive a reload, list in storage, go into the report and the session record', async () => {
  let train = region('Train');
  let study = train.locator('details.occlusion-study');
  await study.locator('summary').click();
  await study.getByLabel('Test faces per emotion (at most)').fill('2');
  await study.getByLabel('Seed of the face sample').fill('3');
  await study.getByRole('button', { name: 'Compute per-emotion maps' }).click();
  await study.getByTestId('occlusion-study').waitFor({ timeout: 180_000 });
  const done = await study.getByRole('status').innerText();
  assert.match(done, /^Averaged 14 faces' occlusion maps \(700 images classified\)/);
  const rows = study.getByTestId('occlusion-study').locator('table').first().locator('tbody tr');
  assert.equal(await rows.count(), 7);
  assert.equal(await study.locator('figure.occlusion-map canvas').count(), 7);
  const summary = await study.getByTestId('occlusion-study').locator('table').first().innerText();

  await page.reload();
  train = region('Train');
  await train.getByRole('status').filter({ hasText: /^Restored: Trained on/ }).waitFor({ timeout: 30_000 });
  study = train.locator('details.occlusion-study');
  await study.getByTestId('occlusion-study').waitFor({ timeout: 30_000 });
  assert.equal(await study.getByTestId('occlusion-study').locator('table').first().innerText(), summary);
  assert.match(await study.getByTestId('occlusion-study').innerText(), /up to 2 test faces per emotion, seed 3/);
  assert.deepEqual(await axeViolations(['#train']), []);

  await page.getByRole('button', { name: 'Manage storage' }).click();
  const panel = page.getByRole('dialog', { name: 'Stored in this browser' });
  await panel.getByRole('row', { name: /Occlusion maps per emotion: CLIP MLP 32.*up to 2 test faces each, seed 3/ }).waitFor();
  await panel.getByRole('button', { name: 'Close' }).click();

  const results = region('Results');
  const [report] = await Promise.all([page.waitForEvent('download'), results.getByRole('button', { name: 'Download report (HTML)' }).click()]);
  const html = readFileSync((await report.path())!, 'utf8');
  assert.match(html, /<h2>Occlusion maps: what part of the face a prediction rests on<\/h2>/);
  for (const emotion of ['angry', 'disgust', 'fear', 'happy', 'neutral', 'sad', 'surprise']) assert.match(html, new RegExp(`aria-label="${emotion} \\(2\\)"`));
  assert.doesNotMatch(html, /<script/);

  const [download] = await Promise.all([page.waitForEvent('download'), results.getByRole('button', { name: 'Download session record (JSON)' }).click()]);
  const recordPath = (await download.path())!;
  const record = JSON.parse(readFileSync(recordPath, 'utf8'));
  assert.deepEqual(record.extra.occlusion.studies.at(-1).study, { perEmotion: 2, seed: 3 });
  assert.deepEqual(record.extra.occlusion.studies.at(-1).settings, { patch: 12, stride: 6, fill: 'mean' });

  await study.getByLabel('Seed of the face sample').fill('8');
  await study.getByLabel('Test faces per emotion (at most)').fill('5');
  await results.getByLabel('Repeat from a session record').setInputFiles(recordPath);
  await results.getByTestId('session-applied').filter({ hasText: /redo the per-emotion occlusion maps of CLIP MLP 32.*2 faces per emotion, seed 3/ }).waitFor();
  assert.equal(await study.getByLabel('Seed of the face sample').inputValue(), '3');
  assert.equal(await study.getByLabel('Test faces per emotion (at most)').inputValue(), '2');
});

test('a raw-pixel run scores the occluded pixels themselves', async () => {
  const train = region('Train');
  await train.getByLabel('Features').selectOption('raw-pixels');
  await train.getByLabel('Epochs').fill('2');
  await train.getByRole('button', { name: 'Train' }).click();
  await train.getByRole('status').filter({ hasText: /^Trained on .*raw pixels/ }).waitFor({ timeout: 120_000 });
  await train.locator('table.confusion button.cell').filter({ hasNotText: /^0$/ }).first().click();
  const faces = train.getByTestId('cell-faces');
  await faces.getByRole('button', { name: /occlusion map of image #\d+$/ }).first().click();
  await faces.getByRole('button', { name: 'Compute occlusion map' }).click();
  await faces.getByTestId('occlusion-map').waitFor({ timeout: 60_000 });
  assert.match(await faces.getByRole('status').filter({ hasText: /^Occlusion map of/ }).innerText(), /on the intact face, by raw-pixel MLP 32/);
  assert.equal((await dropsTable(faces.getByTestId('occlusion-map'))).values.length, 49);
});
