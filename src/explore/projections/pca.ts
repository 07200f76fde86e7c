/** PCA to the two widest directions (../linalg.ts) as a registry entry: done in init, no steps to run. */
import type { Projection, StepPosition } from './types';

export interface PcaOptions {
  /** the seed of the randomized eigen-solver's start */
  seed: number;
}

interface PcaState {
  positions: Float32Array;
  explained: number;
}

const FINISHED: StepPosition = { stage: 'optimising', done: 0, total: 0, finished: true };

export const pcaProjection: Projection<PcaOptions, PcaState> = {
  kind: 'pca',
  label: 'PCA',
  option: 'PCA',
  blurb: 'PCA keeps the two widest directions (fast, linear).',
  uses: ['seed'],
  unusedNote: 'it has no steps to tune',
  pcaFirst: false,
  defaults: { seed: 1 },

  describe: (what, s) => `PCA of ${what}: the two axes keep ${(100 * (s.explained ?? 0)).toFixed(1)}% of the variance.`,

  async init({ data, n, dim }, options) {
    const { pca } = await import('../linalg');
    const result = pca(data, n, dim, 2, options.seed);
    // All variance on one axis (or one point): the second coordinate is 0.
    const positions = result.components === 2 ? result.projected : Float32Array.from({ length: 2 * n }, (_, t) => (t % 2 ? 0 : result.projected[t >> 1]));
    return { positions, explained: result.explained };
  },

  position: () => FINISHED,
  step: () => FINISHED,
  coordinates: (state) => state.positions.slice(),
  facts: (state) => ({ iterations: 0, explained: state.explained }),
};
