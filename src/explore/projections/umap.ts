/**
 * UMAP through umap-js, seeded with the map's seed, as a registry entry: its neighbour graph is built in one unit
 * (umap-js's initializeFit), then each unit is one epoch, so the map moves and Stop is heard between epochs.
 * 15 neighbours as UMAP's default, fewer when the view has fewer points.
 */
import type { UMAP } from 'umap-js';
import type { Projection, StepPosition } from './types';

export interface UmapOptions {
  seed: number;
  /** at most this many neighbours (UMAP's default 15), fewer when the view has fewer points */
  neighbours: number;
  minDist: number;
}

interface UmapState {
  umap: UMAP;
  n: number;
  neighbours: number;
  /** the rows, until the neighbour graph is built */
  rows?: number[][];
  epochs?: number;
  epoch: number;
}

export const umapProjection: Projection<UmapOptions, UmapState> = {
  kind: 'umap',
  label: 'UMAP',
  option: 'UMAP (umap-js)',
  blurb: 'UMAP keeps neighbours together too, and more of the global layout.',
  progressUnit: { name: 'Epoch', unit: 'epochs' },
  uses: ['seed'],
  unusedNote: 'it sets its neighbours (15) and its epochs (from the point count) itself',
  pcaFirst: true,
  defaults: { seed: 1, neighbours: 15, minDist: 0.1 },

  describe(what, s, settings) {
    const pcaFirst = s.pcaFirstExplained !== undefined ? `, PCA-50 first (${(100 * s.pcaFirstExplained).toFixed(1)}% of the variance)` : '';
    return `UMAP of ${what} in ${s.seconds.toFixed(1)} s: ${s.iterations} epochs, ${s.neighbours} neighbours, min. distance ${umapProjection.defaults.minDist}, seed ${settings.seed}${pcaFirst}.`;
  },

  async init({ data, n, dim }, options) {
    const [{ UMAP }, { seededRandom }] = await Promise.all([import('umap-js'), import('../../lib/random')]);
    const neighbours = Math.max(2, Math.min(options.neighbours, n - 1));
    const umap = new UMAP({ nComponents: 2, nNeighbors: neighbours, minDist: options.minDist, random: seededRandom(options.seed) });
    const rows = Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * dim, (i + 1) * dim)));
    return { umap, n, neighbours, rows, epoch: 0 };
  },

  position(state): StepPosition {
    if (state.epochs === undefined) return { stage: 'neighbours', done: 0, total: state.n, finished: false };
    return { stage: 'optimising', done: state.epoch, total: state.epochs, finished: state.epoch >= state.epochs };
  },

  step(state, n) {
    if (state.epochs === undefined) {
      state.epochs = state.umap.initializeFit(state.rows!);
      state.rows = undefined;
    } else
      for (let i = 0; i < n && state.epoch < state.epochs; i++) {
        state.umap.step();
        state.epoch++;
      }
    return umapProjection.position(state);
  },

  coordinates: (state) => Float32Array.from(state.umap.getEmbedding().flat()),
  facts: (state) => ({ iterations: state.epoch, neighbours: state.neighbours }),
};
