import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Diagnostics } from '../src/diagnostics/speedTest';
import { foreignRequests, startHarness, type Harness } from './harness';
import { loadModel } from './steps';

declare const facetDiagnostics: Diagnostics;

// Chromium exposes navigator.ml behind this feature. Whether a WebNN context can be made depends on the build and
// the platform (Debian's Chromium on Linux says "WebNN is not supported on this platform"), so the tests accept
// both outcomes of the trial and check that the one that happened is reported, with embeddings still made.
const WEBNN_VERDICT =
  /WebNN is not usable here \(.+\); using WASM|WebNN could not load this model \(.+\)|WebNN failed on a test batch|WebNN gave other embeddings than WASM|WebNN ran at [\d.]+× WASM's speed; using WASM|WebNN at [\d.]+× WASM's speed, same embeddings/;

let harness: Harness;
before(async () => {
  harness = await startHarness({ args: ['--enable-features=WebMachineLearningNeuralNetwork'] });
});
after(() => harness?.close());

test('where the browser has WebNN, the automatic choice tries it against WASM and reports the verdict', async () => {
  const page = await harness.newPage('/diagnostics.html');
  const caps = await page.evaluate(() => facetDiagnostics.capabilities());
  assert.equal(caps.webnn, true, 'navigator.ml exists with the WebMachineLearningNeuralNetwork feature');
  const loaded = await page.evaluate(() => facetDiagnostics.loadVision({ baseUrl: '/models/tiny/', precision: 'fp32', backend: 'auto' }));
  const verdict = loaded.backend.kind === 'webnn' ? loaded.backend.detail : loaded.backend.fallbackReason;
  assert.match(verdict ?? '', WEBNN_VERDICT);
  const { dims, values } = await page.evaluate(() => facetDiagnostics.encodeSynthetic(3, 5));
  assert.deepEqual(dims, [3, 512]);
  assert.ok(values.every(Number.isFinite));
  await page.close();
});

test('WebNN picked in the Embed section is tried and the status bar says what runs and why', async () => {
  const page = await harness.newPage();
  await loadModel(page, `${harness.url}/models/tiny/`, { backend: 'webnn' });
  const status = await page.getByRole('contentinfo', { name: 'Status' }).innerText();
  assert.match(status, WEBNN_VERDICT);
  assert.match(status, /Compute: (WebNN · CPU|WASM · )/);
  await page.close();
});

test('no request leaves 127.0.0.1', () => {
  assert.deepEqual(foreignRequests(harness), []);
});
