import { describe, expect, it } from 'vitest';
import { cosine, l2NormalizeRows } from './vectors';

describe('vectors', () => {
  it('computes cosine similarity', () => {
    expect(cosine([1, 0], [0, 1])).toBe(0);
    expect(cosine([1, 2], [2, 4])).toBeCloseTo(1);
    expect(cosine([1, 0], [-1, 0])).toBeCloseTo(-1);
    expect(cosine([0, 0], [1, 1])).toBe(0);
    expect(() => cosine([1], [1, 2])).toThrow(/length 1 and 2/);
  });
  it('normalizes each row to unit length and leaves zero rows alone', () => {
    const rows = l2NormalizeRows(new Float32Array([3, 4, 0, 0, 0, 5]), 2);
    expect(Array.from(rows)).toEqual([0.6, 0.8, 0, 0, 0, 1].map((v) => Math.fround(v)));
    expect(() => l2NormalizeRows(new Float32Array(3), 2)).toThrow(/rows of 2/);
  });
});
