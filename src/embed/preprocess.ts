/**
 * Image preprocessing as the hub's Python processors do it with Pillow, driven by a backbone's declared
 * ImagePreprocessing: to RGB, resize (shortest edge + centre crop, or straight to a square) with the Pillow-exact
 * resampler (src/lib/resample.ts), rescale, normalize per channel.
 */

import { BICUBIC, BILINEAR, resizePillow, type Image8 } from '../lib/resample';
import { CLIP_PREPROCESSING } from './backbones/clip';
import type { ImagePreprocessing } from './backbones/types';

/** The size CLIP resizes to: shortest edge `size`, the other edge scaled and rounded. */
export function shortestEdgeSize(width: number, height: number, size: number): { width: number; height: number } {
  return width <= height
    ? { width: size, height: Math.round((height * size) / width) }
    : { width: Math.round((width * size) / height), height: size };
}

/** Values one face of `side` × `side` takes in an encoder batch under `pre`. */
export function valuesPerImage(pre: ImagePreprocessing, side: number): number {
  // tf-bilinear is resized by the network runner: the batch carries the face at its own size, in RGB.
  return pre.resample === 'tf-bilinear' ? side * side * 3 : pre.size * pre.size * 3;
}

/**
 * One image's encoder input under `pre`, written into `out` at `offset` so a batch is filled without extra copies.
 * Gray images are treated as R = G = B, as PIL's convert('RGB') does. For 'tf-bilinear' (face-api) the face is
 * written as RGB 0–255 at its own size, NHWC: the runner resizes and normalizes inside TensorFlow.js exactly as the
 * network's own NetInput does.
 */
export function pixelValues(src: Image8, pre: ImagePreprocessing, out?: Float32Array, offset = 0): Float32Array {
  if (pre.resample === 'tf-bilinear') {
    const n = src.width * src.height;
    out ??= new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) out[offset + i * 3 + c] = src.data[i * src.channels + (src.channels === 1 ? 0 : c)];
    }
    return out;
  }
  const { size } = pre;
  out ??= new Float32Array(3 * size * size);
  const filter = pre.resample === 'bicubic' ? BICUBIC : BILINEAR;
  const target = pre.resize === 'shortest-edge' ? shortestEdgeSize(src.width, src.height, size) : { width: size, height: size };
  const resized = resizePillow(src, target.width, target.height, filter);
  const left = Math.trunc((resized.width - size) / 2);
  const top = Math.trunc((resized.height - size) / 2);
  const plane = size * size;
  const rescale = Math.fround(pre.rescale);
  for (let c = 0; c < 3; c++) {
    const srcChannel = resized.channels === 1 ? 0 : c;
    // Same float32 steps as the reference: x * (1/255) (CLIP: x / 255), then (x - mean) / std.
    const mean = Math.fround(pre.mean[c]);
    const std = Math.fround(pre.std[c]);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const v = resized.data[((top + y) * resized.width + left + x) * resized.channels + srcChannel];
        const scaled = pre.rescale === 1 / 255 ? Math.fround(v / 255) : Math.fround(v * rescale);
        const value = Math.fround(Math.fround(scaled - mean) / std);
        out[offset + (pre.layout === 'NCHW' ? c * plane + y * size + x : (y * size + x) * 3 + c)] = value;
      }
    }
  }
  return out;
}

/** CLIP pixel_values for one image ([3, size, size], channel-major): pixelValues with CLIP's preprocessing. */
export function clipPixelValues(src: Image8, size = 224, out?: Float32Array, offset = 0): Float32Array {
  return pixelValues(src, { ...CLIP_PREPROCESSING, size }, out, offset);
}

/** Deterministic stand-in images in CLIP's normalized range, so runs are comparable and need no dataset. */
export function syntheticPixelValues(count: number, seed: number, size = 224): Float32Array {
  const out = new Float32Array(count * 3 * size * size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = ((state >>> 0) / 4294967296) * 4 - 2;
  }
  return out;
}
