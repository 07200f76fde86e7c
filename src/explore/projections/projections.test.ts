import { describe, expect, it } from 'vitest';
import { optionsFrom, PROJECTIONS, projectionOf } from '.';

describe('the projection registry', () => {
  it('names each projection as itself: a UMAP map is never titled t-SNE', () => {
    expect(PROJECTIONS.map((p) => [p.kind, projectionOf(p.kind).label])).toEqual([
      ['tsne', 't-SNE'],
      ['umap', 'UMAP'],
      ['pca', 'PCA'],
    ]);
    expect(projectionOf('umap').progressUnit).toEqual({ name: 'Epoch', unit: 'epochs' });
    expect(projectionOf('pca').progressUnit).toBeUndefined();
  });

  it('gives each stepper the fields it uses, and only those', () => {
    const settings = { seed: 4, perplexity: 20, learningRate: 0, iterations: 300 };
    expect(optionsFrom(projectionOf('tsne'), settings)).toEqual(settings);
    expect(optionsFrom(projectionOf('umap'), settings)).toEqual({ seed: 4 });
    expect(optionsFrom(projectionOf('pca'), settings)).toEqual({ seed: 4 });
  });

  it('describes a finished map in its own words', () => {
    const settings = { seed: 4, perplexity: 30, learningRate: 0, iterations: 300 };
    const base = { points: 14, seconds: 1.25, iterations: 300 };
    expect(projectionOf('tsne').describe('14 points', { ...base, perplexity: 13 / 3, learningRate: 50, cost: 0.1234 }, settings)).toBe(
      't-SNE of 14 points in 1.3 s: 300 iterations, perplexity 4.33 (clamped from 30: 14 points allow at most 4.33), learning rate 50, KL 0.123.',
    );
    expect(projectionOf('umap').describe('14 points', { ...base, iterations: 500, neighbours: 13, pcaFirstExplained: 0.5 }, settings)).toBe(
      'UMAP of 14 points in 1.3 s: 500 epochs, 13 neighbours, min. distance 0.1, seed 4, PCA-50 first (50.0% of the variance).',
    );
    expect(projectionOf('pca').describe('14 points', { ...base, iterations: 0, explained: 0.81 }, settings)).toBe('PCA of 14 points: the two axes keep 81.0% of the variance.');
  });
});
