import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { foreignRequests, startHarness, type Harness } from './harness';
import { embedDataset, importDataset, loadModel, region, startMlpRun } from './steps';


let harness: Harness;
before(async () => {
  harness = await startHarness();
});
after(() => harness?.close());


test('two tabs share storage without going stale: an import or a deletion in one shows in the other', async () => {
  const first = await harness.newPage();
  const second = await harness.newPage();
  await region(second, 'Dataset').getByRole('status').filter({ hasText: /No dataset yet/ }).waitFor();
  await importDataset(first);
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
  await importDataset(page);
  await loadModel(page, `${harness.url}/models/tiny/`);
  await embedDataset(page);
  const embed = region(page, 'Embed');

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
  await loadModel(page, `${harness.url}/models/tiny/`);
  // The dataset's embeddings were deleted above: embedding starts from zero; reload while it runs.
  await embed.getByRole('button', { name: /Embed dataset|Continue embedding/ }).click();
  // The tiny model embeds fer2013-mini in a second or two: look often, and reload as soon as the run is under way.
  await page.waitForFunction(() => /Embedding [\d,]+ \//.test(document.querySelector('#embed [role=progressbar]')?.getAttribute('aria-valuetext') ?? ''), undefined, {
    polling: 10,
  });
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

test('one click exports a self-contained report and a JSON record; importing the record applies its settings', async () => {
  const page = await harness.newPage();
  const embed = region(page, 'Embed');
  await embed.getByRole('status').filter({ hasText: /CLIP ready/ }).waitFor({ timeout: 60_000 });
  await embed.getByRole('button', { name: /Embed dataset|Continue embedding/ }).click();
  await embed.getByRole('status').filter({ hasText: /All 384 distinct images embedded/ }).waitFor({ timeout: 120_000 });
  const train = await startMlpRun(page, 'clip', { Epochs: '3', 'Hidden layers': '32', Seed: '1234' });
  await train.getByTestId('train-accuracy').waitFor({ timeout: 120_000 });

  const results = region(page, 'Results');
  const [reportDownload] = await Promise.all([page.waitForEvent('download'), results.getByRole('button', { name: 'Download report (HTML)' }).click()]);
  const { readFileSync } = await import('node:fs');
  const html = readFileSync((await reportDownload.path())!, 'utf8');
  assert.match(reportDownload.suggestedFilename(), /^facet-report-.*\.html$/);
  assert.match(html, /fer2013-mini\.zip \(SHA-256 <code>[0-9a-f]{64}<\/code>\): 385 faces/);
  assert.match(html, /<tr data-row="clip-vit-b-32">.*?<td data-cell="mlp"><strong>[\d.]+%<\/strong><br><span class="muted">paper 71\.40%/);
  assert.match(html, /seed 1234/);
  assert.ok((html.match(/<svg /g) ?? []).length >= 2, 'loss and accuracy curves');
  assert.doesNotMatch(html, /<script/);

  const [recordDownload] = await Promise.all([page.waitForEvent('download'), results.getByRole('button', { name: 'Download session record (JSON)' }).click()]);
  const recordPath = (await recordDownload.path())!;
  const record = JSON.parse(readFileSync(recordPath, 'utf8'));
  assert.equal(record.format, 'facet-session');
  assert.equal(record.runs.at(-1).settings.seed, 1234);

  await train.getByLabel('Seed').fill('5');
  await train.getByLabel('Epochs').fill('9');
  await results.getByLabel('Repeat from a session record').setInputFiles(recordPath);
  await results.getByTestId('session-applied').filter({ hasText: /Applied: dataset fer2013-mini\.zip selected.*seed 1234.*press Train/ }).waitFor();
  assert.equal(await train.getByLabel('Seed').inputValue(), '1234');
  assert.equal(await train.getByLabel('Epochs').inputValue(), '3');
  // A file that is not a record is refused, naming the problem.
  await results.getByLabel('Repeat from a session record').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"a":1}') });
  await results.getByRole('alert').filter({ hasText: /not a Facet session record/ }).waitFor();
  await page.close();
});

test('a worker that crashes mid-run is reported, the saved runs are kept, and a retry works', async () => {
  const page = await harness.newPage();
  const train = region(page, 'Train');
  await train.getByRole('status').filter({ hasText: /^Restored: Trained on/ }).waitFor({ timeout: 30_000 });
  await region(page, 'Embed').getByRole('status').filter({ hasText: /CLIP ready/ }).waitFor({ timeout: 60_000 });
  const runsBefore = await train.locator('table.runs tbody tr').count();
  // The crash must hit a run in flight: a crash of an idle worker fails no call. On these 280 faces early stopping
  // ends a run after a few epochs of a few batches, sooner than a test can react, so the run is made long (batches
  // of one face), paused, and the worker crashes while the job waits to be resumed.
  const batchSize = await train.getByLabel('Batch size').inputValue();
  await train.getByLabel('Epochs').fill('1000');
  await train.getByLabel('Patience').fill('0');
  await train.getByLabel('Batch size').fill('1');
  await train.getByRole('button', { name: 'Train' }).click();
  await page
    .waitForFunction(() => /Epoch \d+ of 1000/.test(document.querySelector('#train [role=progressbar]')?.getAttribute('aria-valuetext') ?? ''), undefined, {
      polling: 20,
      timeout: 120_000,
    })
    .catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await train.innerText()}`);
    });
  // Dispatched, not clicked: while epochs stream in the row may move, and a click waits for it to stand still.
  await train.getByRole('button', { name: 'Pause' }).dispatchEvent('click');
  await train.getByRole('button', { name: 'Resume' }).waitFor();
  await train.getByRole('progressbar').first().waitFor(); // still running (paused), not finished
  const worker = page.workers().find((w) => /train/.test(w.url()));
  assert.ok(worker, page.workers().map((w) => w.url()).join(', '));
  await worker.evaluate(() => void setTimeout(() => {
    throw new Error('simulated crash');
  }));
  await train.getByRole('alert').filter({ hasText: /Worker crashed: .*simulated crash\. What it had finished is kept; try again/ }).waitFor({ timeout: 60_000 });
  assert.equal(await train.locator('table.runs tbody tr').count(), runsBefore);
  await train.getByLabel('Epochs').fill('2');
  await train.getByLabel('Batch size').fill(batchSize);
  await train.getByRole('button', { name: 'Train' }).click();
  await train.getByRole('status').filter({ hasText: /^Trained on/ }).waitFor({ timeout: 120_000 });
  // On this CPU the MLP trains on the WASM kernel, with as many threads as the CPU has, up to 4.
  assert.match(await train.getByRole('status').filter({ hasText: /^Trained on/ }).innerText(), / on wasm-kernel \((relaxed )?SIMD, [1-4] threads?\):/);
  assert.equal(await train.locator('table.runs tbody tr').count(), runsBefore + 1);
  await page.close();
});

test('no request leaves 127.0.0.1', () => {
  assert.deepEqual(foreignRequests(harness), []);
});
