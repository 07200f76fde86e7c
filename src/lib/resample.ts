/**
 * Pillow's Image.resize, exact to the integer: the hub's Python processors resize with it (CLIP: BICUBIC, SigLIP:
 * BILINEAR), FER2013's faces are framed with it (BICUBIC, BOX), and canvas drawImage is neither. Its separable
 * convolution (filter widened when downscaling, i.e. antialiased), with its 8-bit fixed-point arithmetic and its
 * horizontal-then-vertical passes, each rounded to 8 bits. Shared by the dataset, the encoders' preprocessing
 * (src/embed/preprocess.ts) and Classify.
 */

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

/** Pillow's BILINEAR (a triangle), widened when downscaling like the others. */
export const BILINEAR: ResampleFilter = {
  support: 1,
  weight(x) {
    if (x < 0) x = -x;
    return x < 1 ? 1 - x : 0;
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

/** PIL's Image.resize((width, height), Image.BICUBIC): CLIP's resize, and FER2013's. */
export const resizeBicubic = (src: Image8, width: number, height: number): Image8 => resizePillow(src, width, height, BICUBIC);
