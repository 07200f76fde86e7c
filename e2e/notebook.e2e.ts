import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { foreignRequests, startHarness, type Harness } from './harness';

const MINI = new URL('../../shared/data/fer2013-mini.zip', import.meta.url).pathname;

let harness: Harness;
before(async () => {
  harness = await startHarness();
});
after(() => harness?.close());

const region = (page: Page, name: string) => page.getByRole('region', { name: new RegExp(name) });

async function importMini(page: Page) {
  await region(page, 'Dataset').getByLabel('FER2013 archive or CSV').setInputFiles(MINI);
  await region(page, 'Dataset').getByRole('status').filter({ hasText: /Imported/ }).waitFor({ timeout: 60_000 });
}

test('two tabs share storage without going stale: an import or a deletion in one shows in the other', async () => {
  const first = await harness.newPage();
  const second = await harness.newPage();
  await region(second, 'Dataset').getByRole('status').filter({ hasText: /No dataset yet/ }).waitFor();
  await importMini(first);
  // The second tab was told, without a reload.
  await region(second, 'Dataset').getByText(/fer2013-mini\.zip: 385 faces/).first().waitFor({ timeout: 10_000 });
  second.once('dialog', (dialog) => void dialog.accept());
  await region(second, 'Dataset').getByRole('button', { name: 'Delete dataset' }).click();
  await region(first, 'Dataset').getByRole('status').filter({ hasText: /deleted in another tab/ }).waitFor({ timeout: 10_000 });
  await second.close();
  await first.close();
});

test('the storage panel lists what is kept with sizes, deletes an item and asks for persistence', async () => {
  const page = await harness.newPage();
  await importMini(page);
  const embed = region(page, 'Embed');
  await embed.getByLabel('Source').selectOption('mirror');
  await embed.getByLabel('Mirror URL').fill(`${harness.url}/models/tiny/`);
  await embed.getByLabel('Backend').selectOption('wasm');
  await embed.getByRole('button', { name: 'Load model' }).click();
  await embed.getByRole('status').filter({ hasText: /CLIP ready/ }).waitFor({ timeout: 60_000 });
  await embed.getByRole('button', { name: 'Embed dataset' }).click();
  await embed.getByRole('status').filter({ hasText: /All 384 distinct images embedded/ }).waitFor({ timeout: 120_000 });

  await page.getByRole('button', { name: 'Manage storage' }).click();
  const panel = page.getByRole('dialog', { name: 'Stored in this browser' });
  const datasets = panel.getByRole('region', { name: 'Datasets' });
  await datasets.getByRole('row', { name: /fer2013-mini\.zip 385 faces .* 887(\.0)? KB/ }).waitFor();
  const embeddings = panel.getByRole('region', { name: 'Embeddings' });
  const clipRow = embeddings.getByRole('row', { name: /CLIP .*\/models\/tiny\/ \((fp32|quantized), 512-d\) 384 vectors × 512 786(\.4)? KB/ });
  await clipRow.waitFor();
  const files = panel.getByRole('region', { name: 'Model files' });
  assert.ok((await files.getByRole('row').count()) >= 3, 'vision, text and tokenizer files are listed');

  assert.match(await panel.innerText(), /Storage is (not )?persistent/);
  const ask = panel.getByRole('button', { name: 'Ask to keep data persistently' });
  if (await ask.isVisible()) {
    await ask.click();
    await panel.getByRole('status').filter({ hasText: /will keep Facet’s data|declined persistent storage/ }).waitFor();
  }

  await clipRow.getByRole('button', { name: /Delete CLIP/ }).click();
  await panel.getByRole('status').filter({ hasText: /Deleted CLIP/ }).waitFor();
  await embeddings.getByRole('heading', { name: /Embeddings \(none\)/ }).waitFor();
  await panel.getByRole('button', { name: 'Close' }).click();
  // The Embed section knows at once that the vectors are gone.
  await embed.getByTestId('embed-coverage').filter({ hasText: /^0 of 384/ }).waitFor();
  await page.close();
});

test('a reload keeps the settings, loads CLIP again and says which work it cut off', async () => {
  const page = await harness.newPage();
  const train = region(page, 'Train');
  await train.getByLabel('Epochs').fill('7');
  await train.getByLabel('Hidden layers').fill('96, 32');
  const embed = region(page, 'Embed');
  await embed.getByLabel('Source').selectOption('mirror');
  await embed.getByLabel('Mirror URL').fill(`${harness.url}/models/tiny/`);
  await embed.getByLabel('Backend').selectOption('wasm');
  await embed.getByRole('button', { name: 'Load model' }).click();
  await embed.getByRole('status').filter({ hasText: /CLIP ready/ }).waitFor({ timeout: 60_000 });
  // The dataset's embeddings were deleted above: embedding starts from zero; reload while it runs.
  await embed.getByRole('button', { name: /Embed dataset|Continue embedding/ }).click();
  await page.waitForFunction(() => /Embedding [\d,]+ \//.test(document.querySelector('#embed [role=progressbar]')?.getAttribute('aria-valuetext') ?? ''));
  await page.reload();

  await train.getByLabel('Epochs').and(page.locator('[value="7"]')).waitFor();
  assert.equal(await train.getByLabel('Hidden layers').inputValue(), '96, 32');
  // CLIP comes back from Cache Storage without a click.
  await embed.getByRole('status').filter({ hasText: /CLIP ready.*from this browser’s cache/ }).waitFor({ timeout: 60_000 });
  const notice = page.getByRole('complementary', { name: 'Interrupted work' });
  assert.match(await notice.innerText(), /Embed: stopped at “Embedding [\d,]+ \/ 384.*Continue embedding computes only the rest/s);
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await page.reload();
  await embed.getByRole('status').filter({ hasText: /CLIP ready/ }).waitFor({ timeout: 60_000 });
  assert.equal(await page.getByRole('complementary', { name: 'Interrupted work' }).count(), 0);
  await page.close();
});

test('no request leaves 127.0.0.1', () => {
  assert.deepEqual(foreignRequests(harness), []);
});
