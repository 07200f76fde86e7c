/**
 * The steps most end-to-end tests and benchmarks begin with, as a user takes them: a dataset imported, CLIP loaded
 * through the mirror code path from the generated models the preview server serves, the dataset embedded.
 */
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';

export const MINI = new URL('../../shared/data/fer2013-mini.zip', import.meta.url).pathname;

export const region = (page: Page, name: string) => page.getByRole('region', { name: new RegExp(name) });

/** A cell of the Results table: a row is 'raw-pixels' or a backbone id, a column 'zero-shot' or a classifier kind. */
export const resultCell = (page: Page, row: string, column: string) => page.locator(`#results tr[data-row="${row}"] td[data-cell="${column}"]`);
/** The paper's CLIP, the Results row the tiny test CLIP's runs land in (a mirror CLIP goes to its family's first entry). */
export const CLIP_ROW = 'clip-vit-b-32';

export async function importDataset(page: Page, file = MINI): Promise<void> {
  const dataset = region(page, 'Dataset');
  await dataset.getByLabel('FER2013 archive or CSV').setInputFiles(file);
  await dataset.getByRole('status').filter({ hasText: /Imported/ }).waitFor({ timeout: 120_000 });
}

/** `baseUrl`: a folder in the hub's layout, e.g. `${harness.url}/models/tiny/`. */
export async function loadModel(page: Page, baseUrl: string, options: { precision?: string; backend?: string; timeout?: number } = {}): Promise<void> {
  const embed = region(page, 'Embed');
  await embed.getByLabel('Source').selectOption('mirror');
  await embed.getByLabel('Mirror URL').fill(baseUrl);
  await embed.getByLabel('Backend').selectOption(options.backend ?? 'wasm');
  if (options.precision) await embed.getByLabel('Precision').selectOption(options.precision);
  await embed.getByRole('button', { name: 'Load model' }).click();
  await embed.getByRole('status').filter({ hasText: /CLIP ready/ }).waitFor({ timeout: options.timeout ?? 60_000 });
}

/** Embeds the whole dataset (fer2013-mini has 384 distinct images) and waits until it is done. */
export async function embedDataset(page: Page, distinct = 384, timeout = 120_000): Promise<void> {
  const embed = region(page, 'Embed');
  await embed.getByRole('button', { name: 'Embed dataset' }).click();
  const done = embed.getByRole('status').filter({ hasText: new RegExp(`All ${distinct.toLocaleString('en-US')} distinct images embedded`) });
  await done.waitFor({ timeout }).catch(async (error: Error) => {
    // Say where it stopped: the section's own status line is the first thing to read when this fails.
    const status = await embed.locator('[role=status], [role=alert]').allInnerTexts().catch(() => []);
    throw new Error(`${error.message}\nThe Embed section shows: ${status.join(' | ')}`);
  });
}

/** Non-white pixels on the Explore map's canvas, and the CSS position of one of them (a drawn point). */
export async function inkOnMap(map: Locator): Promise<{ inked: number; at?: { x: number; y: number } }> {
  return map.evaluate((canvas: HTMLCanvasElement) => {
    const context = canvas.getContext('2d')!;
    const { width, height } = canvas;
    const data = context.getImageData(0, 0, width, height).data;
    let inked = 0;
    let at: { x: number; y: number } | undefined;
    const ratio = width / canvas.getBoundingClientRect().width;
    for (let p = 0; p < width * height; p++) {
      const [r, g, b] = [data[4 * p], data[4 * p + 1], data[4 * p + 2]];
      if (r < 235 || g < 235 || b < 235) {
        inked++;
        // a pixel whose right and lower neighbours are inked too lies inside a point, not on an edge
        if (!at && data[4 * (p + 1)] < 235 && data[4 * (p + width)] < 235) at = { x: (p % width) / ratio + 0.5, y: Math.floor(p / width) / ratio + 0.5 };
      }
    }
    return { inked, at };
  });
}

/**
 * Chooses an Explore view, presses Map and waits for the finished map of `expectedPoints` drawn points; fails with
 * the section's own words when it shows an error instead.
 */
export async function mapView(page: Page, view: string, expectedPoints: number): Promise<void> {
  const explore = region(page, 'Explore');
  const map = explore.getByTestId('explore-map');
  const completed = () => page.locator('#explore .explore-stage').getAttribute('data-completed', { timeout: 1000 }).catch(() => '0');
  const before = Number(await completed());
  await explore.getByLabel('View').selectOption({ label: view });
  await explore.getByRole('button', { name: 'Map' }).click();
  await page
    .waitForFunction((n) => Number(document.querySelector('#explore .explore-stage')?.getAttribute('data-completed') ?? 0) > n || document.querySelector('#explore [role=alert]'), before, { timeout: 120_000 })
    .catch(async (error: Error) => assert.fail(`${view}: ${error.message}; the section says “${await explore.locator('.status-line').innerText()}”`));
  const alert = explore.getByRole('alert');
  if (await alert.count()) assert.fail(`${view}: ${await alert.innerText()}`);
  await map.and(page.locator(`[data-points="${expectedPoints}"]`)).waitFor();
  const { inked } = await inkOnMap(map);
  assert.ok(inked > expectedPoints, `${view}: ${inked} inked pixels for ${expectedPoints} points`);
}

/**
 * Fills the Train section's MLP form as a user does (Features chosen when given; the other fields, e.g. "Epochs",
 * typed in by their labels, in order) and clicks Train. Returns the Train section.
 */
export async function startMlpRun(page: Page, features: 'clip' | 'raw-pixels' | undefined, fields: Record<string, string>): Promise<Locator> {
  const train = region(page, 'Train');
  if (features) await train.getByLabel('Features').selectOption(features);
  for (const [label, value] of Object.entries(fields)) await train.getByLabel(label).fill(value);
  await train.getByRole('button', { name: 'Train' }).click();
  return train;
}
