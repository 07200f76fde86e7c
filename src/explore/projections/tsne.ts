/**
 * t-SNE (../tsne.ts: exact, Barnes-Hut or FFT-accelerated repulsion by size) as a registry entry. Its stepper first
 * finds each point's neighbours (exact on a vp-tree up to a few thousand points, beyond that approximate: RP forest
 * + NN-descent, as openTSNE and FIt-SNE do), one query or one NN-descent step per unit, then iterates; from
 * `helperFrom` points on a second thread shares the attraction and update (same map, bit for bit). Below
 * `exactBelow` points the neighbours are all the others, found when the Tsne is built.
 */
import type { Neighbours, VpTree } from '../linalg';
import type { Tsne, TsneSettings } from '../tsne';
import type { Projection, ProjectionData, StepPosition } from './types';

export interface TsneOptions extends Partial<TsneSettings> {
  perplexity: number;
  seed: number;
  /** from this many points on, the neighbours are approximate (an exact search in 50+ dimensions is O(N²)) */
  approximateFrom: number;
  /** from this many points on, a second thread shares attraction (below, starting it costs more than it saves) */
  helperFrom: number;
}

type Algorithms = typeof import('../tsne') & typeof import('../linalg') & typeof import('../tsneHelper');

interface TsneState {
  input: ProjectionData;
  options: TsneOptions;
  algorithms: Algorithms;
  k: number;
  started: number;
  knnSeconds: number;
  /** while finding neighbours: the exact search's tree and next query, or the approximate search's steps */
  search?: { neighbours: Neighbours; tree: VpTree; query: number } | { steps: Generator<number, Neighbours>; share: number };
  tsne?: Tsne;
  helper?: { stop(): void };
  kl: number;
}

async function loadAlgorithms(): Promise<Algorithms> {
  const [tsne, linalg, helper] = await Promise.all([import('../tsne'), import('../linalg'), import('../tsneHelper')]);
  return { ...tsne, ...linalg, ...helper };
}

/** Builds the Tsne on the neighbours found (undefined: all pairs) and starts the helper thread when it pays. */
async function beginOptimising(state: TsneState, neighbours: Neighbours | undefined): Promise<void> {
  const { input, options, algorithms } = state;
  const { data, n, dim } = input;
  state.knnSeconds = (performance.now() - state.started) / 1000;
  state.search = undefined;
  // The Tsne gets its own settings only (it keeps them, and the loop's thresholds are not among them).
  const settings: Partial<TsneOptions> = { ...options };
  delete settings.approximateFrom;
  delete settings.helperFrom;
  const tsne = new algorithms.Tsne(data, n, dim, settings, algorithms.pcaInit(data, n, dim, options.seed), neighbours);
  state.tsne = tsne;
  if ((options.threads ?? 2) > 1 && n >= options.helperFrom) state.helper = await algorithms.startAttractionHelper(tsne);
}

export const tsneProjection: Projection<TsneOptions, TsneState> = {
  kind: 'tsne',
  label: 't-SNE',
  option: 't-SNE (exact, Barnes-Hut or FFT by size)',
  blurb: 't-SNE keeps neighbours together.',
  progressUnit: { name: 'Iteration', unit: 'it' },
  costName: 'KL',
  uses: ['perplexity', 'learningRate', 'iterations', 'seed'],
  pcaFirst: true,
  defaults: { perplexity: 30, seed: 1, exactBelow: 1000, threads: 2, approximateFrom: 4000, helperFrom: 5000 },

  describe(what, s, settings) {
    const clamped = s.perplexity !== undefined && s.perplexity < settings.perplexity ? ` (clamped from ${settings.perplexity}: ${s.points} points allow at most ${s.perplexity.toFixed(2)})` : '';
    const pcaFirst = s.pcaFirstExplained !== undefined ? `, PCA-50 first (${(100 * s.pcaFirstExplained).toFixed(1)}% of the variance)` : '';
    return (
      `t-SNE of ${what} in ${s.seconds.toFixed(1)} s: ${s.iterations} iterations, perplexity ${s.perplexity?.toFixed(2)}${clamped}, ` +
      `learning rate ${s.learningRate?.toFixed(0)}, KL ${s.cost?.toFixed(3)}${pcaFirst}.`
    );
  },

  async init(input, options) {
    const algorithms = await loadAlgorithms();
    const { data, n, dim } = input;
    const exactBelow = options.exactBelow ?? 1000;
    const k = algorithms.neighbourCount(n, { perplexity: options.perplexity, exactBelow });
    const state: TsneState = { input, options, algorithms, k, started: performance.now(), knnSeconds: 0, kl: NaN };
    if (n < exactBelow) await beginOptimising(state, undefined);
    else if (n < options.approximateFrom) {
      const neighbours = { k, indices: new Int32Array(n * k), distances: new Float64Array(n * k) };
      state.search = { neighbours, tree: new algorithms.VpTree(data, n, dim, options.seed), query: 0 };
    } else state.search = { steps: algorithms.approximateNeighbourSteps(data, n, dim, k, options.seed), share: 0 };
    return state;
  },

  position(state): StepPosition {
    const { tsne, search, input } = state;
    if (tsne) return { stage: 'optimising', done: tsne.iteration, total: tsne.settings.iterations, finished: tsne.done };
    const done = !search ? 0 : 'query' in search ? search.query : Math.round(search.share * input.n);
    return { stage: 'neighbours', done, total: input.n, finished: false };
  },

  async step(state, n, measure) {
    const { tsne, search, input, k } = state;
    if (tsne) {
      for (let i = 0; i < n && !tsne.done; i++) {
        const last = i === n - 1 || tsne.iteration === tsne.settings.iterations - 1;
        const step = tsne.step(measure && last);
        if (measure && last) state.kl = step.kl;
      }
    } else if (search && 'query' in search) {
      const end = Math.min(input.n, search.query + n);
      for (let q = search.query; q < end; q++) search.tree.query(input.data, q, k, search.neighbours.indices, search.neighbours.distances, q * k, q);
      search.query = end;
      if (end === input.n) await beginOptimising(state, search.neighbours);
    } else if (search) {
      for (let i = 0; i < n; i++) {
        const next = search.steps.next();
        if (next.done) {
          await beginOptimising(state, next.value);
          break;
        }
        search.share = next.value;
      }
    }
    return tsneProjection.position(state);
  },

  coordinates: (state) => (state.tsne ? Float32Array.from(state.tsne.positions) : new Float32Array(2 * state.input.n)),
  cost: (state) => state.kl,
  facts(state) {
    const { tsne } = state;
    return {
      iterations: tsne?.iteration ?? 0,
      perplexity: tsne?.perplexity,
      learningRate: tsne?.learningRate,
      repulsion: tsne?.repulsion,
      threads: state.helper ? 2 : 1,
      knnSeconds: state.knnSeconds,
    };
  },
  dispose(state) {
    state.helper?.stop();
    state.helper = undefined;
  },
};
