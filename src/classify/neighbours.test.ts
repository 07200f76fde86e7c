import { describe, expect, it } from 'vitest';
import { nearestRows } from './neighbours';

describe('nearest training faces', () => {
  it('ranks rows by cosine similarity, best first', () => {
    const s = Math.SQRT1_2;
    const vectors = Float32Array.from([1, 0, 0, 1, s, s, -1, 0]);
    const near = nearestRows(vectors, 2, Float32Array.from([1, 0]), 3);
    expect(near.map((n) => n.row)).toEqual([0, 2, 1]);
    expect(near[1].similarity).toBeCloseTo(s, 6);
  });
});
