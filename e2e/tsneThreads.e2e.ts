/**
 * The projection worker's t-SNE in Chromium with its helper worker on shared memory (the page is cross-origin
 * isolated): two threads give the same map as one, bit for bit, and Stop ends a run (helper included) cleanly.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { startHarness, type Harness } from './harness';
import type { ProjectWorker } from '../src/explore/projectWorker';
import { seededRandom } from '../src/lib/random';

declare const facetProjection: { worker: ProjectWorker };

let harness: Harness;
let page: Page;
before(async () => {
  harness = await startHarness();
  page = await harness.newPage('/diagnostics.html');
});
after(() => harness?.close());

/** 6,000 points (enough for the helper and FFT repulsion) in 8 seeded blobs, 20-d. */
function points() {
  const random = seededRandom(12345);
  const n = 6000;
  const dim = 20;
  const data = Array.from({ length: n * dim }, (_, e) => random() + ((e % dim) === Math.floor(e / dim) % 8 ? 4 : 0));
  return { data, n, dim };
}

test('two threads give the same map as one, bit for bit', async () => {
  const result = await page.evaluate(async ({ data: values, n, dim }) => {
    const data = Float32Array.from(values);
    const run = (threads: number) =>
      facetProjection.worker.tsneOnData({ data: data.slice(), n, dim, settings: { perplexity: 30, seed: 3, iterations: 120, exaggerationIterations: 60, threads, repulsion: 'fft' } });
    const one = await run(1);
    const two = await run(2);
    let differing = 0;
    for (let i = 0; i < one.positions.length; i++) if (one.positions[i] !== two.positions[i]) differing++;
    return { isolated: crossOriginIsolated, threads: [one.threads, two.threads], repulsion: two.repulsion, differing, kl: [one.kl, two.kl] };
  }, points());
  assert.equal(result.isolated, true);
  assert.deepEqual(result.threads, [1, 2]);
  assert.equal(result.repulsion, 'fft');
  assert.equal(result.differing, 0);
  assert.equal(result.kl[0], result.kl[1]);
});

test('Stop ends a two-thread run, and the next run still works', async () => {
  const result = await page.evaluate(async ({ data: values, n, dim }) => {
    const data = Float32Array.from(values);
    const controller = new AbortController();
    let optimising = 0;
    const stopped = await facetProjection.worker
      .tsneOnData(
        { data: data.slice(), n, dim, settings: { perplexity: 30, seed: 3, iterations: 100_000, threads: 2 } },
        {
          signal: controller.signal,
          onProgress: (p) => {
            if (p.stage === 'optimising' && ++optimising === 3) controller.abort();
          },
        },
      )
      .then(
        () => 'finished',
        (error: Error) => error.name,
      );
    const next = await facetProjection.worker.tsneOnData({ data: data.slice(), n, dim, settings: { perplexity: 30, seed: 3, iterations: 30, threads: 2 } });
    return { stopped, optimising, nextThreads: next.threads, finite: Array.from(next.positions).every(Number.isFinite) };
  }, points());
  assert.notEqual(result.stopped, 'finished');
  assert.ok(result.optimising >= 3);
  assert.equal(result.nextThreads, 2);
  assert.equal(result.finite, true);
});
