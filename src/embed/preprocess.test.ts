import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resizeBicubic, type Image8 } from '../lib/resample';
import { clipPixelValues, shortestEdgeSize } from './preprocess';

// Made by scripts/fixtures/preprocess_golden.py with Pillow (Debian's python3-pil) from two FER2013 faces and one
// synthetic colour image.
interface GoldenCase {
  name: string;
  mode: 'L' | 'RGB';
  width: number;
  height: number;
  input: string | null;
  resizedWidth: number;
  resizedHeight: number;
  resizedGray: string | null;
  resizedSum: number;
  resizedSampleStride: number;
  resizedSampleValues: number[];
  channelSums: number[];
  sampleStride: number;
  sampleValues: number[];
}
const golden: { cases: GoldenCase[] } = JSON.parse(readFileSync(new URL('./fixtures/preprocess-golden.json', import.meta.url), 'utf8'));

function inputOf(c: GoldenCase): Image8 {
  if (c.input) {
    return { data: new Uint8Array(Buffer.from(c.input, 'base64')), width: c.width, height: c.height, channels: c.mode === 'L' ? 1 : 3 };
  }
  // The synthetic case's formula, as in the script.
  const data = new Uint8Array(c.width * c.height * 3);
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) {
      const i = (y * c.width + x) * 3;
      data[i] = Math.floor((x * 255) / 329);
      data[i + 1] = Math.floor((y * 255) / 249);
      data[i + 2] = (x * y) % 256;
    }
  }
  return { data, width: c.width, height: c.height, channels: 3 };
}

describe('CLIP preprocessing against Pillow', () => {
  for (const c of golden.cases) {
    it(`resizes ${c.name} exactly as PIL's BICUBIC`, () => {
      const image = inputOf(c);
      const size = shortestEdgeSize(c.width, c.height, 224);
      expect(size).toEqual({ width: c.resizedWidth, height: c.resizedHeight });
      const resized = resizeBicubic(image, size.width, size.height);
      const rgb = new Uint8Array(resized.width * resized.height * 3);
      for (let p = 0; p < resized.width * resized.height; p++) {
        for (let ch = 0; ch < 3; ch++) rgb[p * 3 + ch] = resized.data[p * resized.channels + (resized.channels === 1 ? 0 : ch)];
      }
      if (c.resizedGray) expect(resized.data).toEqual(new Uint8Array(Buffer.from(c.resizedGray, 'base64')));
      expect(rgb.reduce((a, b) => a + b, 0)).toBe(c.resizedSum);
      const sample = Array.from(rgb.filter((_, i) => i % c.resizedSampleStride === 0));
      expect(sample).toEqual(c.resizedSampleValues);
    });

    it(`normalizes ${c.name} to the reference pixel_values`, () => {
      const tensor = clipPixelValues(inputOf(c));
      expect(tensor.length).toBe(3 * 224 * 224);
      const plane = 224 * 224;
      for (let ch = 0; ch < 3; ch++) {
        let sum = 0;
        for (let i = ch * plane; i < (ch + 1) * plane; i++) sum += tensor[i];
        expect(sum).toBeCloseTo(c.channelSums[ch], 1);
      }
      c.sampleValues.forEach((expected, k) => expect(tensor[k * c.sampleStride]).toBeCloseTo(expected, 5));
    });
  }

  it('writes into a batch at an offset without touching other images', () => {
    const face: Image8 = { data: new Uint8Array(48 * 48).fill(128), width: 48, height: 48, channels: 1 };
    const batch = new Float32Array(2 * 3 * 224 * 224).fill(99);
    clipPixelValues(face, 224, batch, 3 * 224 * 224);
    expect(batch[0]).toBe(99);
    expect(batch[3 * 224 * 224]).toBeCloseTo((128 / 255 - 0.48145466) / 0.26862954, 5);
  });
});
