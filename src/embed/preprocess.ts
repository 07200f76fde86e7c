/**
 * CLIP's image preprocessing, exactly as Pillow does it (OpenAI's transform and Hugging Face's CLIPImageProcessor
 * both resize with PIL's BICUBIC): to RGB, shortest edge to `size` with bicubic resampling, center crop, scale by
 * 1/255, normalize per channel. Canvas drawImage is not bicubic, so the resampler is written out here: Pillow's
 * separable convolution (filter widened when downscaling, i.e. antialiased), with its 8-bit fixed-point arithmetic
 * and its horizontal-then-vertical passes, each rounded to 8 bits, so results match Pillow to the integer.
 */

export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

/** An 8-bit image, `channels` interleaved values per pixel (1 = gray, 3 = RGB). */
export interface Image8 {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

const PRECISION_BITS = 32 - 8 - 2;

/** Pillow's resampling filters: the kernel and its support (half-width in input pixels before widening). */
export interface ResampleFilter {
  support: number;
  weight(x: number): number;
}

export const BICUBIC: ResampleFilter = {
  support: 2,
  weight(x) {
    const a = -0.5;
    if (x < 0) x = -x;
    if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
    if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
    return 0;
  },
};

/** Pillow's BOX: when downscaling, each output pixel averages the input pixels its area covers. */
export const BOX: ResampleFilter = { support: 0.5, weight: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) };

interface Coefficients {
  /** first input index for each output index */
  start: Int32Array;
  /** number of taps for each output index */
  taps: Int32Array;
  /** fixed-point weights, `ksize` per output index */
  weights: Int32Array;
  ksize: number;
}

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc. */
function coefficients(inSize: number, outSize: number, filter: ResampleFilter): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const taps = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const row = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      row[x] = filter.weight((x + xmin - center + 0.5) / filterScale);
      total += row[x];
    }
    for (let x = 0; x < xmax; x++) {
      const w = total !== 0 ? row[x] / total : row[x];
      weights[xx * ksize + x] = Math.trunc(w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
    }
    start[xx] = xmin;
    taps[xx] = xmax;
  }
  return { start, taps, weights, ksize };
}

function clip8(sum: number): number {
  const v = sum >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * One separable pass along x (horizontal) or y. Sums stay below 2^31 (255 × 2^22 × a few taps), so 32-bit
 * integer arithmetic with Math.imul reproduces Pillow's C ints.
 */
function resamplePass(src: Image8, outSize: number, horizontal: boolean, filter: ResampleFilter): Image8 {
  const { width, height, channels, data } = src;
  const c = coefficients(horizontal ? width : height, outSize, filter);
  const outW = horizontal ? outSize : width;
  const outH = horizontal ? height : outSize;
  const out = new Uint8Array(outW * outH * channels);
  const half = 1 << (PRECISION_BITS - 1);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const o = horizontal ? x : y;
      const first = c.start[o];
      const n = c.taps[o];
      const k = o * c.ksize;
      for (let ch = 0; ch < channels; ch++) {
        let sum = half;
        for (let i = 0; i < n; i++) {
          const index = horizontal ? (y * width + first + i) * channels + ch : ((first + i) * width + x) * channels + ch;
          sum = (sum + Math.imul(data[index], c.weights[k + i])) | 0;
        }
        out[(y * outW + x) * channels + ch] = clip8(sum);
      }
    }
  }
  return { data: out, width: outW, height: outH, channels };
}

/** PIL's Image.resize((width, height), filter) for 8-bit gray or RGB images (BICUBIC or BOX). */
export function resizePillow(src: Image8, width: number, height: number, filter: ResampleFilter): Image8 {
  let image = src;
  if (width !== image.width) image = resamplePass(image, width, true, filter);
  if (height !== image.height) image = resamplePass(image, height, false, filter);
  return image;
}

/** PIL's Image.resize((width, height), Image.BICUBIC), CLIP's resize. */
export const resizeBicubic = (src: Image8, width: number, height: number): Image8 => resizePillow(src, width, height, BICUBIC);

/** The size CLIP resizes to: shortest edge `size`, the other edge scaled and rounded. */
export function shortestEdgeSize(width: number, height: number, size: number): { width: number; height: number } {
  return width <= height
    ? { width: size, height: Math.round((height * size) / width) }
    : { width: Math.round((width * size) / height), height: size };
}

/**
 * CLIP pixel_values for one image, written into `out` at `offset` ([3, size, size], channel-major), so a batch can be
 * filled without extra copies. Gray images are treated as R = G = B, as PIL's convert('RGB') does.
 */
export function clipPixelValues(src: Image8, size = 224, out = new Float32Array(3 * size * size), offset = 0): Float32Array {
  const target = shortestEdgeSize(src.width, src.height, size);
  const resized = resizeBicubic(src, target.width, target.height);
  const left = Math.trunc((resized.width - size) / 2);
  const top = Math.trunc((resized.height - size) / 2);
  const plane = size * size;
  for (let c = 0; c < 3; c++) {
    const srcChannel = resized.channels === 1 ? 0 : c;
    // Same float32 steps as the reference: x / 255, then (x - mean) / std.
    const mean = Math.fround(CLIP_MEAN[c]);
    const std = Math.fround(CLIP_STD[c]);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const v = resized.data[((top + y) * resized.width + left + x) * resized.channels + srcChannel];
        out[offset + c * plane + y * size + x] = Math.fround(Math.fround(Math.fround(v / 255) - mean) / std);
      }
    }
  }
  return out;
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
