import { describe, expect, it } from 'vitest';
import { CLIP_PREPROCESSING } from '../embed/backbones/clip';
import { FACE_API_EXPRESSION } from '../embed/backbones/faceApi';
import { SIGLIP_BASE } from '../embed/backbones/siglip';
import { pixelValues } from '../embed/preprocess';
import { pixelValuesOfFaces } from './occlusionPreprocess';

const faces = Uint8Array.from({ length: 3 * 2304 }, (_, i) => (i * 7 + Math.floor(i / 2304) * 50) % 256);
const face = (i: number) => ({ data: faces.subarray(i * 2304, (i + 1) * 2304), width: 48, height: 48, channels: 1 as const });

describe('preprocessing a batch of occluded faces for the loaded encoder', () => {
  it('writes each face where the encoder expects it, exactly as the dataset’s faces are prepared, for every family', () => {
    for (const pre of [{ ...CLIP_PREPROCESSING, size: 32 }, { ...SIGLIP_BASE.preprocessing, size: 32 }, FACE_API_EXPRESSION.preprocessing]) {
      const batch = pixelValuesOfFaces(faces, 3, pre);
      for (let i = 0; i < 3; i++) {
        const one = pixelValues(face(i), pre);
        expect(batch.subarray(i * one.length, (i + 1) * one.length)).toEqual(one);
      }
      expect(batch.length).toBe(3 * pixelValues(face(0), pre).length);
    }
  });

  it('hands a face-api network its RGB face at 48×48, not CLIP’s normalized 3×size×size planes', () => {
    const batch = pixelValuesOfFaces(faces, 1, FACE_API_EXPRESSION.preprocessing);
    expect(batch.length).toBe(48 * 48 * 3);
    expect(Array.from(batch.subarray(0, 6))).toEqual([faces[0], faces[0], faces[0], faces[1], faces[1], faces[1]]);
  });
});
