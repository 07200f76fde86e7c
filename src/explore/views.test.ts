import { describe, expect, it } from 'vitest';
import { mapCsv } from './draw';
import { buildView, centreRows, classMeans, meanPosition, meanRow } from './views';

const dim = 3;
// two classes of images far from one text cluster: the "modality gap"
const images = { vectors: Float32Array.from([1, 0, 0, 1, 0.2, 0, 0, 1, 0, 0.2, 1, 0]), labels: Uint8Array.from([0, 0, 1, 1]) };
const prompts = { vectors: Float32Array.from([0, 0, 5, 0.1, 0, 5, 0, 0.1, 5]), classOf: Uint8Array.from([0, 0, 1]) };
const data = { dim, images, allImages: images, prompts, classes: 3 };

describe('views', () => {
  it('centroids: one mean image per class present', () => {
    const view = buildView('centroids', data, false);
    expect(Array.from(view.labels)).toEqual([0, 1]);
    expect(Array.from(view.vectors)).toEqual([1, 0.1, 0, 0.1, 1, 0].map(Math.fround));
  });

  it('overlay: centroids then one prompt point per class, a line joining each pair', () => {
    const view = buildView('overlay', data, false);
    expect(Array.from(view.labels)).toEqual([0, 1, 0, 1]);
    expect(Array.from(view.modality)).toEqual([0, 0, 1, 1]);
    expect(view.lines).toEqual([
      [0, 2],
      [1, 3],
    ]);
    // class 0's text point is the mean of its two prompts
    expect(view.vectors[2 * dim]).toBeCloseTo(0.05);
  });

  it('centring each modality on its own mean closes the gap between images and prompts', () => {
    const gap = (v: Float32Array) => {
      const imageMean = meanRow(v.subarray(0, 2 * dim), dim);
      const textMean = meanRow(v.subarray(2 * dim), dim);
      return Math.hypot(...Array.from(imageMean, (m, c) => m - textMean[c]));
    };
    expect(gap(buildView('overlay', data, false).vectors)).toBeGreaterThan(4);
    expect(gap(buildView('overlay', data, true).vectors)).toBeLessThan(0.2);
    expect(Array.from(meanRow(centreRows(images.vectors, dim), dim)).every((m) => Math.abs(m) < 1e-6)).toBe(true);
  });

  it('the prompt views need the text embeddings', () => {
    expect(() => buildView('prompts', { ...data, prompts: undefined }, false)).toThrow(/text embeddings/);
  });

  it('classMeans counts rows per class; meanPosition averages map points', () => {
    expect(Array.from(classMeans(images.vectors, dim, images.labels, 3).counts)).toEqual([2, 2, 0]);
    expect(meanPosition([0, 0, 2, 4, 10, 10], [0, 1])).toEqual([1, 2]);
  });

  it('the CSV quotes fields with commas', () => {
    expect(mapCsv([{ id: 'a, b', label: 'happy', split: 'prompt', x: 1, y: 2 }])).toBe('image_id,label,split,x,y\n"a, b",happy,prompt,1,2\n');
  });
});
