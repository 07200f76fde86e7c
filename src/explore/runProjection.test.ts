import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../lib/random';
import { gaussian } from './linalg';
import { optionsFrom, PROJECTIONS, projectionOf, type Projection, type StepPosition } from './projections';
import { runProjection, type ProjectionProgress, type RunContext } from './runProjection';

function blobs(clusters: number, per: number, dim: number, spread: number, seed = 3) {
  const random = gaussian(seededRandom(seed));
  const n = clusters * per;
  const data = new Float32Array(n * dim);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dim }, () => random() * spread));
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) data[i * dim + d] = centres[i % clusters][d] + random();
  return { data, n, dim };
}

const fingerprint = (a: Float32Array) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex').slice(0, 16);
const quiet = (): RunContext => ({ signal: new AbortController().signal, progress: () => {} });
/** A clock that moves `ms` on every reading: with a large step every batch looks slow (batches stay at 1 unit). */
const clock = (ms: number) => {
  let t = 0;
  return () => (t += ms);
};

/**
 * Maps the old worker (before the registry, one loop per projection) made of these data sets: fingerprints of the
 * float32 coordinates, and the KL of the last iteration. The registry and the shared loop must give them bit for bit.
 */
const BEFORE = [
  { name: 't-SNE, exact', kind: 'tsne', data: blobs(4, 30, 10, 6), options: { perplexity: 30, seed: 1, iterations: 300 }, map: '89a6e34ce9de16fd', cost: 0.05199232831284126 },
  { name: 't-SNE, vp-tree neighbours, Barnes-Hut', kind: 'tsne', data: blobs(5, 60, 12, 6, 4), options: { perplexity: 20, seed: 2, iterations: 120, exactBelow: 100 }, map: 'e370537f4a781a9b', cost: 1.3827932731159138 },
  { name: 't-SNE, FFT repulsion', kind: 'tsne', data: blobs(5, 60, 12, 6, 5), options: { perplexity: 20, seed: 3, iterations: 80, exactBelow: 100, repulsion: 'fft' }, map: '909bfd94aa09cedc', cost: 1.2456357666840272 },
  { name: 't-SNE, approximate neighbours', kind: 'tsne', data: blobs(8, 500, 10, 6, 6), options: { perplexity: 30, seed: 4, iterations: 15, threads: 1 }, map: '24b3c292a574733d', cost: 4.690317294811298 },
  { name: 'UMAP', kind: 'umap', data: blobs(4, 40, 10, 6, 7), options: { seed: 5 }, map: 'f48fa52ce8007578', iterations: 500, neighbours: 15 },
  { name: 'PCA', kind: 'pca', data: blobs(4, 40, 10, 6, 8), options: { seed: 9 }, map: '23d4b0fa48f9c2f3', explained: 0.8104702387250001 },
] as const;

describe('runProjection with the registry', () => {
  it.each(BEFORE)('$name: the same map as before the registry, bit for bit', async (c) => {
    const run = await runProjection(projectionOf(c.kind), c.data, c.options, quiet());
    expect(fingerprint(run.coordinates)).toBe(c.map);
    if ('cost' in c) expect(run.cost).toBe(c.cost);
    if ('iterations' in c) expect(run.facts).toMatchObject({ iterations: c.iterations, neighbours: c.neighbours });
    if ('explained' in c) expect(run.facts.explained).toBe(c.explained);
  });

  it.each(PROJECTIONS.map((p) => [p.label, p] as const))('%s: the same seed gives the same map however the steps are batched', async (_, projection) => {
    const data = blobs(3, 40, 8, 5, 11);
    const options = { ...optionsFrom(projection, { seed: 7, perplexity: 15, learningRate: 0, iterations: 60 }), exactBelow: 50 };
    // A still clock: every batch looks instant, batches grow. A racing clock: every batch looks slow, one unit each.
    const grown = await runProjection(projection, data, options, { ...quiet(), now: () => 0 });
    const single = await runProjection(projection, data, options, { ...quiet(), now: clock(1000) });
    expect(grown.coordinates.length).toBe(2 * data.n);
    expect(Array.from(grown.coordinates).every(Number.isFinite)).toBe(true);
    expect(fingerprint(single.coordinates)).toBe(fingerprint(grown.coordinates));
    if (projection.kind === 'umap') {
      // UMAP's seed drives its random sampling (t-SNE from a PCA start and PCA barely depend on theirs).
      const other = await runProjection(projection, data, { ...options, seed: 8 }, quiet());
      expect(fingerprint(other.coordinates)).not.toBe(fingerprint(grown.coordinates));
    }
  });

  it('reports each stage with rate and ETA, and the last step with the final map and its cost', async () => {
    const updates: ProjectionProgress[] = [];
    const data = blobs(4, 50, 8, 5, 12);
    const run = await runProjection(projectionOf('tsne'), data, { perplexity: 10, seed: 1, iterations: 40, exactBelow: 100 }, { signal: new AbortController().signal, progress: (p) => updates.push(p), now: clock(50) });
    const neighbours = updates.filter((u) => u.stage === 'neighbours');
    const optimising = updates.filter((u) => u.stage === 'optimising');
    expect(neighbours[0]).toMatchObject({ done: 0, total: 200, progress: { stage: 'Nearest neighbours', unit: 'points' } });
    expect(optimising[0]).toMatchObject({ done: 1, total: 40, progress: { stage: 'Iteration', unit: 'it' } });
    expect(optimising.map((u) => u.done)).toEqual([...optimising.map((u) => u.done)].sort((a, b) => a - b));
    const last = optimising.at(-1)!;
    expect(last.done).toBe(40);
    expect(last.progress.rate).toBeGreaterThan(0);
    expect(Number.isFinite(optimising[1].progress.etaSeconds)).toBe(true);
    expect(last.cost).toBe(run.cost);
    expect(Array.from(last.positions)).toEqual(Array.from(run.coordinates));
  });
});

/** A stepper that counts: `total` units of one optimising stage, each moving point 0 one step right. */
function counter(total: number, log: string[]): Projection<{ total: number }, { done: number; total: number }> {
  const position = (s: { done: number; total: number }): StepPosition => ({ stage: 'optimising', done: s.done, total: s.total, finished: s.done >= s.total });
  return {
    kind: 'pca',
    label: 'Counter',
    option: 'Counter',
    blurb: 'counts',
    uses: [],
    pcaFirst: false,
    defaults: { total },
    describe: () => '',
    init: async (_, options) => ({ done: 0, total: options.total }),
    position,
    step(state, n) {
      state.done = Math.min(state.total, state.done + n);
      return position(state);
    },
    coordinates: (state) => Float32Array.of(state.done, 0),
    facts: (state) => ({ iterations: state.done }),
    dispose: () => void log.push('disposed'),
  };
}

describe('runProjection, the loop', () => {
  it('hears Stop between steps: it gives the event loop turns, cancels, and frees what init started', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    const seen: number[] = [];
    // The abort arrives as a task (as a message from the page would): only a loop that yields ever sees it.
    setTimeout(() => controller.abort(), 0);
    const run = runProjection(counter(Number.MAX_SAFE_INTEGER, log), { data: new Float32Array(2), n: 1, dim: 2 }, {}, { signal: controller.signal, progress: (p) => seen.push(p.done), now: clock(10), yieldEveryMs: 30 });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(log).toEqual(['disposed']);
    expect(seen.length).toBeGreaterThan(0);
  });

  it('does not start when already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const log: string[] = [];
    await expect(runProjection(counter(5, log), { data: new Float32Array(2), n: 1, dim: 2 }, {}, { signal: controller.signal, progress: () => {} })).rejects.toMatchObject({ name: 'AbortError' });
    expect(log).toEqual([]);
  });

  it('runs a stepper to its end and reports its final position once it is finished', async () => {
    const log: string[] = [];
    const seen: ProjectionProgress[] = [];
    const run = await runProjection(counter(1000, log), { data: new Float32Array(2), n: 1, dim: 2 }, {}, { signal: new AbortController().signal, progress: (p) => seen.push(p), now: () => 0 });
    expect(run.facts.iterations).toBe(1000);
    expect(Array.from(run.coordinates)).toEqual([1000, 0]);
    expect(seen.at(-1)).toMatchObject({ stage: 'optimising', done: 1000, total: 1000, progress: { stage: 'Step', unit: 'steps' } });
    expect(log).toEqual(['disposed']);
  });
});
