import { describe, expect, it } from 'vitest';
import { isCancelled } from '../lib/rpc';
import { DEFAULT_OCCLUSION, fillValue, largestDrop, meanMaps, occludedFaces, occlusionGrid, patchStarts, pixelHeatmap, probabilityDrops } from './occlusion';
import { composeClassifier, occlusionImageCount, occlusionMaps, type FaceEncoder, type FeatureScorer } from './occlusionJob';

const SIDE = 48;
const AREA = SIDE * SIDE;

function softmax(logits: number[]): number[] {
  const max = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** A synthetic encoder: feature 0 is the mean of one 12×12 region (scaled 0–1), feature 1 the mean of the whole face. */
const regionEncoder =
  (x0: number, y0: number): FaceEncoder =>
  async (faces, count) => {
    const features = new Float32Array(count * 2);
    for (let i = 0; i < count; i++) {
      let region = 0;
      let all = 0;
      for (let y = 0; y < SIDE; y++)
        for (let x = 0; x < SIDE; x++) {
          const v = faces[i * AREA + y * SIDE + x] / 255;
          all += v;
          if (x >= x0 && x < x0 + 12 && y >= y0 && y < y0 + 12) region += v;
        }
      features[i * 2] = region / 144;
      features[i * 2 + 1] = all / AREA;
    }
    return { features, dim: 2 };
  };

/** Class 0's logit is driven by feature 0; the other six classes sit at a constant logit. */
const regionScorer: FeatureScorer = async (features, dim, count) => {
  const out = new Float32Array(count * 7);
  for (let i = 0; i < count; i++) out.set(softmax([8 * features[i * dim], 2, 2, 2, 2, 2, 2]), i * 7);
  return out;
};

/** A face with some texture everywhere and a bright square where the encoder looks. */
function faceWithBrightRegion(x0: number, y0: number): Uint8Array {
  const face = Uint8Array.from({ length: AREA }, (_, i) => 40 + ((i * 37) % 50));
  for (let y = y0; y < y0 + 12; y++) face.fill(250, y * SIDE + x0, y * SIDE + x0 + 12);
  return face;
}

describe('grid geometry', () => {
  it('makes the default 7×7 grid of 12-px patches at stride 6 on 48×48', () => {
    expect(patchStarts(48, 12, 6)).toEqual([0, 6, 12, 18, 24, 30, 36]);
    const grid = occlusionGrid(DEFAULT_OCCLUSION);
    expect(grid.cells).toBe(7);
    expect(grid.patch).toBe(12);
  });

  it('adds a last patch flush with the far edge when the stride does not reach it', () => {
    expect(patchStarts(48, 10, 6)).toEqual([0, 6, 12, 18, 24, 30, 36, 38]);
    expect(patchStarts(48, 12, 100)).toEqual([0, 36]);
    expect(patchStarts(48, 16, 16)).toEqual([0, 16, 32]);
    expect(patchStarts(48, 1, 1)).toHaveLength(48);
  });

  it('clamps a patch larger than the face to one patch covering all of it', () => {
    expect(patchStarts(48, 60, 6)).toEqual([0]);
    expect(occlusionGrid({ patch: 60, stride: 6 }).patch).toBe(48);
  });

  it('refuses patch and stride that are not whole positive pixels', () => {
    expect(() => patchStarts(48, 0, 6)).toThrow(/patch/);
    expect(() => patchStarts(48, 12, 0)).toThrow(/stride/);
    expect(() => patchStarts(48, 12, 2.5)).toThrow(/stride/);
  });
});

describe('occluded faces', () => {
  it('fills exactly one patch per copy, row-major over the grid, with the chosen grey', () => {
    const face = Uint8Array.from({ length: AREA }, (_, i) => i % 256);
    const grid = occlusionGrid({ patch: 12, stride: 12 });
    const copies = occludedFaces(face, grid, 7);
    expect(copies.length).toBe(16 * AREA);
    // Copy 5 = row 1, column 1: the patch spans x, y in [12, 24).
    const copy = copies.subarray(5 * AREA, 6 * AREA);
    for (let y = 0; y < SIDE; y++)
      for (let x = 0; x < SIDE; x++) {
        const inside = x >= 12 && x < 24 && y >= 12 && y < 24;
        expect(copy[y * SIDE + x]).toBe(inside ? 7 : face[y * SIDE + x]);
      }
  });

  it('fills with the face’s mean grey, or 128', () => {
    const face = new Uint8Array(AREA).fill(10);
    face.fill(210, 0, AREA / 2);
    expect(fillValue(face, 'mean')).toBe(110);
    expect(fillValue(face, 'mid')).toBe(128);
  });
});

describe('drops and heatmap', () => {
  it('measures the fall of the target class’s probability', () => {
    const occluded = Float32Array.from([0.5, 0.5, 0.9, 0.1, 0.2, 0.8]);
    const drops = probabilityDrops(0.7, occluded, 2, 0);
    [0.2, -0.2, 0.5].forEach((d, k) => expect(drops[k]).toBeCloseTo(d, 6));
  });

  it('averages the drops of the patches covering each pixel (coverage-normalized)', () => {
    const grid = occlusionGrid(DEFAULT_OCCLUSION);
    // The same drop everywhere: overlaps must not make the middle hotter than the edges.
    const uniform = pixelHeatmap(new Float32Array(49).fill(0.3), grid);
    for (const v of uniform) expect(v).toBeCloseTo(0.3, 6);
    // One cell: the pixels only it covers get its whole drop, pixels it shares with a neighbour half of it.
    const one = new Float32Array(49);
    one[0] = 1;
    const map = pixelHeatmap(one, grid);
    expect(map[0]).toBe(1); // (0, 0): covered by cell (0, 0) alone
    expect(map[8]).toBeCloseTo(0.5); // (8, 0): cells (0, 0) and (0, 1)
    expect(map[8 * SIDE + 8]).toBeCloseTo(0.25); // (8, 8): four cells
    expect(map[20]).toBe(0); // (20, 0): beyond the patch
  });

  it('averages maps element-wise', () => {
    expect(Array.from(meanMaps([Float32Array.from([1, 2]), Float32Array.from([3, 6])]))).toEqual([2, 4]);
    expect(() => meanMaps([])).toThrow();
  });
});

describe('the occlusion job on a synthetic encoder', () => {
  it('finds the region the encoder depends on', async () => {
    for (const [x0, y0, row, column] of [
      [0, 0, 0, 0],
      [24, 36, 6, 4],
    ]) {
      const classify = composeClassifier(regionEncoder(x0, y0), regionScorer);
      const [map] = await occlusionMaps([{ pixels: faceWithBrightRegion(x0, y0) }], DEFAULT_OCCLUSION, classify, { batchSize: 5 });
      expect(map.target).toBe(0);
      expect(map.base).toBeGreaterThan(0.5);
      const top = largestDrop(map.drops, map.grid);
      expect([top.row, top.column]).toEqual([row, column]);
      expect(top.drop).toBeGreaterThan(0.3);
      // Cells that share no pixel with the region change nothing.
      const far = row === 0 ? 6 * 7 + 6 : 0;
      expect(map.drops[far]).toBeCloseTo(0, 6);
      // The per-pixel map peaks inside the region too.
      let hottest = 0;
      for (let i = 1; i < AREA; i++) if (map.heatmap[i] > map.heatmap[hottest]) hottest = i;
      const [hx, hy] = [hottest % SIDE, Math.floor(hottest / SIDE)];
      expect(hx >= x0 && hx < x0 + 12 && hy >= y0 && hy < y0 + 12).toBe(true);
    }
  });

  it('follows a given target class and keeps faces apart across batches', async () => {
    const classify = composeClassifier(regionEncoder(0, 0), regionScorer);
    const faces = [{ pixels: faceWithBrightRegion(0, 0), target: 0 }, { pixels: faceWithBrightRegion(36, 36), target: 0 }];
    const maps = await occlusionMaps(faces, DEFAULT_OCCLUSION, classify, { batchSize: 16 });
    expect(maps[0].drops[0]).toBeGreaterThan(0.3);
    // The second face has nothing bright where the encoder looks: hiding that corner barely moves class 0.
    expect(Math.abs(maps[1].drops[0])).toBeLessThan(maps[0].drops[0] / 5);
    expect(maps[1].base).toBeLessThan(maps[0].base);
  });

  it('reports progress in images and stops when cancelled', async () => {
    const classify = composeClassifier(regionEncoder(0, 0), regionScorer);
    const seen: number[] = [];
    const total = occlusionImageCount(2, DEFAULT_OCCLUSION);
    expect(total).toBe(100);
    let t = 0;
    await occlusionMaps([{ pixels: faceWithBrightRegion(0, 0) }, { pixels: faceWithBrightRegion(0, 0) }], DEFAULT_OCCLUSION, classify, {
      batchSize: 30,
      now: () => (t += 1000),
      onProgress: (p) => {
        expect(p.total).toBe(100);
        seen.push(p.done);
      },
    });
    expect(seen).toEqual([0, 30, 60, 90, 100]);

    const controller = new AbortController();
    const calls: number[] = [];
    const cancelling = composeClassifier(async (faces, count, signal) => {
      calls.push(count);
      if (calls.length === 2) controller.abort();
      return regionEncoder(0, 0)(faces, count, signal);
    }, regionScorer);
    const error = await occlusionMaps([{ pixels: faceWithBrightRegion(0, 0) }], DEFAULT_OCCLUSION, cancelling, { batchSize: 10, signal: controller.signal }).catch((e) => e);
    expect(isCancelled(error)).toBe(true);
    expect(calls).toHaveLength(2);
  });
});
