import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { foreignRequests, startHarness, until, type Harness } from './harness';

let harness: Harness;
before(async () => {
  // Bad model folders for the refusal tests, laid out like a hub repo.
  mkdirSync('models/e2e-corrupt/onnx', { recursive: true });
  writeFileSync('models/e2e-corrupt/onnx/vision_model.onnx', Buffer.from('this is not an onnx protobuf, just text'));
  mkdirSync('models/e2e-swapped/onnx', { recursive: true });
  copyFileSync('models/tiny/onnx/text_model.onnx', 'models/e2e-swapped/onnx/vision_model.onnx');
  harness = await startHarness();
});
after(() => harness?.close());

const SECTIONS = ['Dataset', 'Embed', 'Train', 'Explore', 'Classify', 'Results'];

test('the page is cross-origin isolated and shows the six sections in order', async () => {
  const page = await harness.newPage();
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  const headings = await page.getByRole('main').getByRole('heading', { level: 2 }).allInnerTexts();
  assert.deepEqual(headings.map((h) => h.replace(/^\d+\s*/, '').trim()), SECTIONS);
  for (const name of SECTIONS) {
    const region = page.getByRole('region', { name: new RegExp(name) });
    await region.waitFor();
    assert.match(await region.innerText(), /Next:|Not started/);
  }
  await page.getByTestId('compute-backend').filter({ hasText: /WASM · \d+ threads? available/ }).waitFor();
  await page.getByTestId('storage').filter({ hasText: /used of/ }).waitFor();
  await page.close();
});

test('a Content-Security-Policy refuses inline script and requests to other hosts', async () => {
  const page = await harness.newPage();
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(policy ?? '', /script-src 'self' 'wasm-unsafe-eval'/);
  const outcome = await page.evaluate(async () => {
    const script = document.createElement('script');
    script.textContent = 'window.inlineRan = true';
    document.head.append(script);
    const fetched = await fetch('https://example.com/').then(
      () => 'fetched',
      () => 'refused',
    );
    return { inlineRan: 'inlineRan' in window, fetched };
  });
  assert.deepEqual(outcome, { inlineRan: false, fetched: 'refused' });
  // The harness saw both refusals (it fails any test file whose pages break the policy); these two were on purpose.
  const seen = () => harness.cspViolations.join('\n');
  // Console messages reach the harness after the page's own work; the refused fetch logs two of them.
  await until(() => /inline script/.test(seen()) && harness.cspViolations.filter((m) => /example\.com/.test(m)).length >= 2, `both refusals in the console (seen: ${seen()})`, {
    timeoutMs: 10_000,
  });
  harness.cspViolations.length = 0;
  harness.requests.splice(0); // example.com was never contacted, but the attempt is recorded as a request
  await page.close();
});

async function loadFromMirror(path: string, precision = 'fp32') {
  const page = await harness.newPage();
  const embed = page.getByRole('region', { name: /Embed/ });
  await embed.getByLabel('Source').selectOption('mirror');
  await embed.getByLabel('Mirror URL').fill(`${harness.url}${path}`);
  await embed.getByLabel('Precision').selectOption(precision);
  await embed.getByLabel('Backend').selectOption('wasm');
  await embed.getByRole('button', { name: 'Load model' }).click();
  return { page, embed };
}

test('loads the CLIP encoders from a mirror and reports the backend really in use', async () => {
  const { page, embed } = await loadFromMirror('/models/tiny/', 'quantized');
  await embed.getByRole('status').filter({ hasText: /CLIP ready: 512-d image and text embeddings, quantized/ }).waitFor({ timeout: 60_000 });
  await page.getByTestId('compute-backend').filter({ hasText: /WASM · (\d+ sessions × )?\d+ threads? \(in use by CLIP\)/ }).waitFor();
  // A second load comes from Cache Storage, not the network.
  const before = harness.requests.filter((u) => u.endsWith('.onnx')).length;
  await embed.getByRole('button', { name: 'Load model' }).click();
  await embed.getByRole('status').filter({ hasText: /from this browser’s cache/ }).waitFor({ timeout: 60_000 });
  assert.equal(harness.requests.filter((u) => u.endsWith('.onnx')).length, before);
  await page.close();
});

test('refuses a file that is not an ONNX model, naming the problem', async () => {
  const { page, embed } = await loadFromMirror('/models/e2e-corrupt/');
  const alert = embed.getByRole('alert');
  await alert.waitFor({ timeout: 60_000 });
  assert.match(await alert.innerText(), /Not a valid ONNX model file/);
  // The page stays usable: the form can be used again.
  assert.equal(await embed.getByRole('button', { name: 'Load model' }).isEnabled(), true);
  await page.close();
});

test('refuses a model whose inputs and outputs are not a CLIP vision encoder', async () => {
  const { page, embed } = await loadFromMirror('/models/e2e-swapped/');
  const alert = embed.getByRole('alert');
  await alert.waitFor({ timeout: 60_000 });
  assert.match(await alert.innerText(), /Not a CLIP vision encoder: no input named pixel_values.*input_ids int64/s);
  await page.close();
});

test('reports a missing model file with the URL and the server answer', async () => {
  const { page, embed } = await loadFromMirror('/models/does-not-exist/');
  const alert = embed.getByRole('alert');
  await alert.waitFor({ timeout: 60_000 });
  assert.match(await alert.innerText(), /Could not download .*does-not-exist\/onnx\/vision_model\.onnx: the server answered 404/);
  // The message offers a retry; once the source is fixed it loads from there.
  await embed.getByLabel('Mirror URL').fill(`${harness.url}/models/tiny/`);
  await alert.getByRole('button', { name: 'Try again' }).click();
  await embed.getByRole('status').filter({ hasText: /CLIP ready/ }).waitFor({ timeout: 60_000 });
  await page.close();
});

test('loads CLIP from files picked on this computer, without downloading anything', async () => {
  const page = await harness.newPage();
  // A fresh session: the test before left CLIP loaded, which a new page would load again by itself.
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  const embed = page.getByRole('region', { name: /Embed/ });
  await embed.getByLabel('Source').selectOption('local');
  await embed.getByLabel('Vision model (.onnx)').setInputFiles('models/tiny/onnx/vision_model.onnx');
  await embed.getByLabel('Text model (.onnx)').setInputFiles('models/tiny/onnx/text_model.onnx');
  const modelRequests = harness.requests.filter((u) => u.includes('/models/')).length;
  await embed.getByRole('button', { name: 'Load model' }).click();
  await embed.getByRole('alert').filter({ hasText: 'Pick the tokenizer.json file' }).waitFor();
  await embed.getByLabel('tokenizer.json').setInputFiles('models/tiny/tokenizer.json');
  await embed.getByRole('button', { name: 'Load model' }).click();
  await embed.getByRole('status').filter({ hasText: /CLIP ready: 512-d image and text embeddings/ }).waitFor({ timeout: 60_000 });
  assert.equal(harness.requests.filter((u) => u.includes('/models/')).length, modelRequests);
  await page.close();
});

test('no request leaves 127.0.0.1', () => {
  assert.ok(harness.requests.length > 0);
  assert.deepEqual(foreignRequests(harness), []);
});
