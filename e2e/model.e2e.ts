import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Diagnostics } from '../src/diagnostics/speedTest';
import { cosine } from '../src/lib/vectors';
import { foreignRequests, startHarness, type Harness } from './harness';

declare const facetDiagnostics: Diagnostics;

let harness: Harness;
before(async () => {
  harness = await startHarness();
});
after(() => harness?.close());

test('a worker loads the tiny vision model through the app loader and embeds images (WASM)', async () => {
  const page = await harness.newPage('/diagnostics.html');
  const loaded = await page.evaluate(() => facetDiagnostics.loadVision({ baseUrl: '/models/tiny/', precision: 'fp32', backend: 'wasm' }));
  assert.equal(loaded.backend.kind, 'wasm');
  // Every core works: one session with all threads, or (for a dataset run) several sessions sharing the cores.
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const sessions = loaded.backend.sessions ?? 1;
  assert.equal(loaded.backend.threads! * sessions, cores - (cores % sessions), JSON.stringify(loaded.backend));
  assert.deepEqual(loaded.iface, { kind: 'vision', inputName: 'pixel_values', outputName: 'image_embeds', dim: 512, imageSize: 224 });

  const a = await page.evaluate(() => facetDiagnostics.encodeSynthetic(1, 1));
  const again = await page.evaluate(() => facetDiagnostics.encodeSynthetic(1, 1));
  const b = await page.evaluate(() => facetDiagnostics.encodeSynthetic(1, 2));
  assert.deepEqual(a.dims, [1, 512]);
  assert.ok(a.values.every(Number.isFinite));
  assert.deepEqual(again.values, a.values, 'the same image gives the same embedding');
  assert.ok(cosine(a.values, b.values) < 0.9999, 'a different image gives a different embedding');

  const batch = await page.evaluate(() => facetDiagnostics.encodeSynthetic(3, 1));
  assert.deepEqual(batch.dims, [3, 512]);
  assert.ok(batch.values.every(Number.isFinite));
  await page.close();
});

test('the int8 model gives embeddings close to fp32', async () => {
  const page = await harness.newPage('/diagnostics.html');
  await page.evaluate(() => facetDiagnostics.loadVision({ baseUrl: '/models/tiny/', precision: 'fp32', backend: 'wasm' }));
  const fp32 = await page.evaluate(() => facetDiagnostics.encodeSynthetic(1, 7));
  await page.evaluate(() => facetDiagnostics.loadVision({ baseUrl: '/models/tiny/', precision: 'quantized', backend: 'wasm' }));
  const int8 = await page.evaluate(() => facetDiagnostics.encodeSynthetic(1, 7));
  const similarity = cosine(fp32.values, int8.values);
  assert.ok(similarity > 0.98 && similarity < 1, `cosine(fp32, int8) = ${similarity}`);
  await page.close();
});

test('no request leaves 127.0.0.1', () => {
  assert.deepEqual(foreignRequests(harness), []);
});
