/**
 * Turns a decoded image into a FER2013 face: 8-bit gray (RGBA converted with Pillow's convert('L') weights, ITU-R
 * 601-2 luma; gray JPEGs arrive gray), centre-cropped to a square and resized to 48×48 with the same Pillow-exact bicubic CLIP preprocessing uses when the image is not 48×48.
 */
import { resizeBicubic } from '../lib/resample';
import { FACE_SIDE } from './faceSet';

/** A decoded image: RGBA, or 8-bit gray when the decoder produced gray directly (FER2013's JPEGs). */
export interface DecodedImage {
  rgba?: Uint8ClampedArray | Uint8Array;
  gray?: Uint8Array;
  width: number;
  height: number;
}

export function toFace({ rgba, gray: decodedGray, width, height }: DecodedImage): { pixels: Uint8Array; converted: boolean } {
  if (!decodedGray && !rgba) throw new Error('a decoded image without pixels');
  const { gray, colour } = decodedGray ? { gray: decodedGray, colour: false } : luma(rgba!, width * height);
  if (width === FACE_SIDE && height === FACE_SIDE) return { pixels: gray, converted: colour };
  // FER2013 faces are square: take the centred square rather than squash the face.
  const side = Math.min(width, height);
  const left = (width - side) >> 1;
  const top = (height - side) >> 1;
  const square = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) square.set(gray.subarray((top + y) * width + left, (top + y) * width + left + side), y * side);
  const resized = resizeBicubic({ data: square, width: side, height: side, channels: 1 }, FACE_SIDE, FACE_SIDE);
  return { pixels: resized.data, converted: true };
}

function luma(rgba: Uint8ClampedArray | Uint8Array, count: number): { gray: Uint8Array; colour: boolean } {
  const gray = new Uint8Array(count);
  let colour = false;
  for (let p = 0, i = 0; p < count; p++, i += 4) {
    const r = rgba[i];
    const g = rgba[i + 1];
    const b = rgba[i + 2];
    if (r !== g || g !== b) colour = true;
    // Pillow: L = (R·19595 + G·38470 + B·7471 + 0x8000) >> 16
    gray[p] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
  }
  return { gray, colour };
}
