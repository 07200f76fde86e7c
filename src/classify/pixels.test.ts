import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cutCrop, faceFromGray, resizeArea, rgbaToGray } from './pixels';

// Made by scripts/fixtures/classify_golden.py with Pillow (Debian's python3-pil): convert('L'), crop, resize BOX.
interface GoldenCase {
  width: number;
  height: number;
  seed: number;
  box: [number, number, number, number];
  graySum: number;
  grayStride: number;
  graySample: number[];
  face: string;
}
const golden: { cases: GoldenCase[] } = JSON.parse(readFileSync(new URL('./fixtures/classify-golden.json', import.meta.url), 'utf8'));

/** The script's synthetic RGB image, as RGBA (alpha 255). */
function synthetic(c: GoldenCase): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(c.width * c.height * 4);
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) {
      const i = (y * c.width + x) * 4;
      rgba[i] = (Math.floor((x * 255) / Math.max(c.width - 1, 1)) + c.seed) % 256;
      rgba[i + 1] = (Math.floor((y * 255) / Math.max(c.height - 1, 1)) + 3 * c.seed) % 256;
      rgba[i + 2] = (x * 7 + y * 13 + ((x * y) % 31) + c.seed) % 256;
      rgba[i + 3] = 255;
    }
  }
  return rgba;
}

describe('photo to 48×48 gray face, against Pillow', () => {
  for (const c of golden.cases) {
    const [left, top, right, bottom] = c.box;
    it(`converts a ${c.width}×${c.height} RGB image to gray exactly as convert('L')`, () => {
      const gray = rgbaToGray(synthetic(c), c.width, c.height);
      expect(gray.data.reduce((a, b) => a + b, 0)).toBe(c.graySum);
      expect(Array.from(gray.data.filter((_, i) => i % c.grayStride === 0))).toEqual(c.graySample);
    });

    it(`crops ${right - left}×${bottom - top} and area-resizes to 48×48 exactly as resize(BOX)`, () => {
      const gray = rgbaToGray(synthetic(c), c.width, c.height);
      const side = right - left;
      const cut = cutCrop(gray, { cx: left + side / 2, cy: top + side / 2, size: side, angle: 0 }, side);
      const expected = new Uint8Array(Buffer.from(c.face, 'base64'));
      expect(resizeArea(cut, 48, 48).data).toEqual(expected);
      // The whole path the worker takes gives the same face.
      expect(faceFromGray(gray, { cx: left + side / 2, cy: top + side / 2, size: side, angle: 0 })).toEqual(expected);
    });
  }

  it('an unturned whole-pixel crop is an exact copy; outside the photo the edge continues', () => {
    const gray = { data: Uint8Array.from({ length: 16 }, (_, i) => i * 10), width: 4, height: 4 };
    expect(Array.from(cutCrop(gray, { cx: 2, cy: 2, size: 2, angle: 0 }, 2).data)).toEqual([50, 60, 90, 100]);
    expect(Array.from(cutCrop(gray, { cx: 0, cy: 0, size: 2, angle: 0 }, 2).data)).toEqual([0, 0, 0, 0]);
  });

  it('a crop turned by 90° turns the face', () => {
    const gray = { data: Uint8Array.from([1, 2, 3, 4]), width: 2, height: 2 };
    // The crop's x axis points down the photo and its y axis to the left: its first row is the photo's right
    // column read downward, its second row the left column.
    expect(Array.from(cutCrop(gray, { cx: 1, cy: 1, size: 2, angle: Math.PI / 2 }, 2).data)).toEqual([2, 4, 1, 3]);
  });

  it('refuses pixels that do not match the size', () => {
    expect(() => rgbaToGray(new Uint8ClampedArray(10), 2, 2)).toThrow(/not 2×2 RGBA/);
  });
});
