import { describe, expect, it } from 'vitest';
import { clipPixelValues } from '../embed/preprocess';
import { clipPixelValuesOfFaces } from './occlusionPreprocess';

describe('CLIP preprocessing of a batch of faces', () => {
  it('writes each face where the encoder expects it, exactly as one face at a time', () => {
    const faces = Uint8Array.from({ length: 3 * 2304 }, (_, i) => (i * 7 + Math.floor(i / 2304) * 50) % 256);
    const batch = clipPixelValuesOfFaces(faces, 3, 32);
    expect(batch.length).toBe(3 * 3 * 32 * 32);
    for (let i = 0; i < 3; i++) {
      const one = clipPixelValues({ data: faces.subarray(i * 2304, (i + 1) * 2304), width: 48, height: 48, channels: 1 }, 32);
      expect(batch.subarray(i * one.length, (i + 1) * one.length)).toEqual(one);
    }
  });
});
