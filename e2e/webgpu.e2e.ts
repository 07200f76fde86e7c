import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Diagnostics } from '../src/diagnostics/speedTest';
import { foreignRequests, startHarness, type Harness } from './harness';
import { cosine } from '../src/lib/vectors';

declare const facetDiagnostics: Diagnostics;

// Chromium without a GPU exposes SwiftShader as a software WebGPU adapter when asked: far too slow to measure, but
// it runs the WebGPU execution provider for real, so its results can be checked against WASM.
let harness: Harness;
before(async () => {
  harness = await startHarness({ webgpu: true });
});
after(() => harness?.close());

test('the WebGPU path runs the tiny model and agrees with WASM', async () => {
  const page = await harness.newPage('/diagnostics.html');
  const caps = await page.evaluate(() => facetDiagnostics.capabilities());
  assert.ok(caps.webgpu, 'Chromium exposes a WebGPU adapter with --enable-unsafe-webgpu');
  assert.equal(caps.webgpu.software, true);

  const onGpu = await page.evaluate(() => facetDiagnostics.loadVision({ baseUrl: '/models/tiny/', precision: 'fp32', backend: 'webgpu' }));
  assert.equal(onGpu.backend.kind, 'webgpu', onGpu.backend.fallbackReason);
  const gpu = await page.evaluate(() => facetDiagnostics.encodeSynthetic(2, 3));

  await page.evaluate(() => facetDiagnostics.loadVision({ baseUrl: '/models/tiny/', precision: 'fp32', backend: 'wasm' }));
  const cpu = await page.evaluate(() => facetDiagnostics.encodeSynthetic(2, 3));
  assert.deepEqual(gpu.dims, [2, 512]);
  for (const row of [0, 1]) {
    const slice = (v: number[]) => v.slice(row * 512, (row + 1) * 512);
    const similarity = cosine(slice(gpu.values), slice(cpu.values));
    assert.ok(similarity > 0.999, `row ${row}: cosine(WebGPU, WASM) = ${similarity}`);
  }
  await page.close();
});

test('automatic choice keeps WASM on a software adapter and says why', async () => {
  const page = await harness.newPage('/diagnostics.html');
  const loaded = await page.evaluate(() => facetDiagnostics.loadVision({ baseUrl: '/models/tiny/', precision: 'fp32', backend: 'auto' }));
  assert.equal(loaded.backend.kind, 'wasm');
  assert.match(loaded.backend.fallbackReason ?? '', /software renderer/);
  await page.close();
});

test('no request leaves 127.0.0.1', () => {
  assert.deepEqual(foreignRequests(harness), []);
});
