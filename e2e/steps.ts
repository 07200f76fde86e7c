/**
 * The steps most end-to-end tests and benchmarks begin with, as a user takes them: a dataset imported, CLIP loaded
 * through the mirror code path from the generated models the preview server serves, the dataset embedded.
 */
import type { Page } from 'playwright-core';

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
