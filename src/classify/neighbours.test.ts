import { describe, expect, it } from 'vitest';
import { nearestRows, placeByNeighbours } from './neighbours';

describe('nearest training faces', () => {
  it('ranks rows by cosine similarity, best first', () => {
    const s = Math.SQRT1_2;
    const vectors = Float32Array.from([1, 0, 0, 1, s, s, -1, 0]);
    const near = nearestRows(vectors, 2, Float32Array.from([1, 0]), 3);
    expect(near.map((n) => n.row)).toEqual([0, 2, 1]);
    expect(near[1].similarity).toBeCloseTo(s, 6);
  });
});

describe('placing a classified face on the map', () => {
  it('goes to its neighbours, the closest weighing most; unplaced neighbours are skipped', () => {
    expect(placeByNeighbours([{ similarity: 0.9, position: [3, 4] }])).toEqual([3, 4]);
    expect(placeByNeighbours([{ similarity: 0.8, position: [0, 0] }, { similarity: 0.8, position: [2, 2] }])).toEqual([1, 1]);
    const [x] = placeByNeighbours([{ similarity: 0.9, position: [0, 0] }, { similarity: 0.7, position: [10, 0] }, { similarity: 0.99 }])!;
    expect(x).toBeCloseTo(10 * Math.exp(-4) / (1 + Math.exp(-4)), 9);
    expect(placeByNeighbours([{ similarity: 0.5 }])).toBeUndefined();
  });
});
