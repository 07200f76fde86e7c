import { describe, expect, it } from 'vitest';
import { PROJECTIONS, projectionOf } from './projections';

describe('projections', () => {
  it('name each method as itself: a UMAP map is never titled t-SNE', () => {
    expect(PROJECTIONS.map((p) => [p.kind, projectionOf(p.kind).label])).toEqual([
      ['tsne', 't-SNE'],
      ['umap', 'UMAP'],
      ['pca', 'PCA'],
    ]);
    expect(projectionOf('umap').step).toEqual({ name: 'Epoch', unit: 'epochs' });
    expect(projectionOf('pca').step).toBeUndefined();
  });
});
