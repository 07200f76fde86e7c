/**
 * From a photo's RGBA pixels to the 48×48 grayscale face the classifier sees, the way FER2013's faces are: gray by
 * Pillow's convert('L') (ITU-R 601-2 luma in its fixed-point arithmetic), the crop square cut out at its angle, and
 * an area (box-filter) downscale by Pillow's resize(..., BOX). Both are written out so the result matches Pillow to
 * the integer (scripts/fixtures/classify_golden.py makes the reference); canvas drawImage smooths with a filter
 * that differs between browsers.
 */
import { FACE_SIDE } from '../dataset/faceSet';
import { BOX, resizePillow } from '../lib/resample';
import type { Crop } from './crop';

/** An 8-bit grayscale image, row-major. */
export interface Gray8 {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Pillow's RGB(A) → L: (R·19595 + G·38470 + B·7471 + 2^15) >> 16. Alpha is ignored, as Pillow does. */
export function rgbaToGray(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number): Gray8 {
  if (rgba.length !== width * height * 4) throw new Error(`${rgba.length} bytes are not ${width}×${height} RGBA pixels`);
  const data = new Uint8Array(width * height);
  for (let p = 0, i = 0; p < data.length; p++, i += 4) {
    data[p] = (rgba[i] * 19595 + rgba[i + 1] * 38470 + rgba[i + 2] * 7471 + 0x8000) >>> 16;
  }
  return { data, width, height };
}

/** PIL's Image.resize((width, height), Image.BOX) for an 8-bit gray image: each output pixel averages its area. */
export function resizeArea(src: Gray8, width: number, height: number): Gray8 {
  const { data } = resizePillow({ ...src, channels: 1 }, width, height, BOX);
  return { data, width, height };
}

/**
 * Cuts `crop` (a square, centre and side in source pixels, turned by its angle) out of `src` into a side × side
 * image: each output pixel samples the source bilinearly at its centre; outside the photo the nearest edge pixel
 * continues. Unturned with whole-pixel edges and side = crop.size, it is an exact copy (Pillow's crop).
 */
export function cutCrop(src: Gray8, crop: Crop, side: number): Gray8 {
  const out = new Uint8Array(side * side);
  const scale = crop.size / side;
  const cos = Math.cos(crop.angle) * scale;
  const sin = Math.sin(crop.angle) * scale;
  const { width, height, data } = src;
  for (let v = 0; v < side; v++) {
    const dy = v + 0.5 - side / 2;
    for (let u = 0; u < side; u++) {
      const dx = u + 0.5 - side / 2;
      // Source position of this pixel's centre, in pixel-index coordinates (pixel i covers [i, i+1)).
      const x = crop.cx + cos * dx - sin * dy - 0.5;
      const y = crop.cy + sin * dx + cos * dy - 0.5;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      const xa = Math.min(Math.max(x0, 0), width - 1);
      const xb = Math.min(Math.max(x0 + 1, 0), width - 1);
      const ya = Math.min(Math.max(y0, 0), height - 1);
      const yb = Math.min(Math.max(y0 + 1, 0), height - 1);
      const top = data[ya * width + xa] * (1 - fx) + data[ya * width + xb] * fx;
      const bottom = data[yb * width + xa] * (1 - fx) + data[yb * width + xb] * fx;
      out[v * side + u] = Math.round(top * (1 - fy) + bottom * fy);
    }
  }
  return { data: out, width: side, height: side };
}

/**
 * The classifier's input for one crop: cut at the crop's own resolution (never below 48 px, so a small face is
 * upsampled bilinearly once), then area-downscaled to 48×48.
 */
export function faceFromGray(src: Gray8, crop: Crop, side = FACE_SIDE): Uint8Array {
  const cutSide = Math.max(side, Math.round(crop.size));
  return resizeArea(cutCrop(src, crop, cutSide), side, side).data;
}
