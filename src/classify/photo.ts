/**
 * Opening a photo in the classify worker: decoded with createImageBitmap (every format the browser knows, EXIF
 * orientation applied), downscaled while decoding when larger than the working size so a huge photo never holds the
 * page or exhausts memory, and refused with a message that names the problem when it is not an image or is damaged.
 */
import { readImageHeader } from '../dataset/imageHeader';

/** The longest side photos are worked on at: plenty for a 48×48 face, small enough to detect in a second or two. */
export const WORKING_SIDE = 1600;

/** Larger photos are refused from their header: decoding them could exhaust the memory of the tab. */
export const MAX_PHOTO_PIXELS = 100e6;

export interface OpenedPhoto {
  bitmap: ImageBitmap;
  /** the photo's own size (before any downscale) */
  originalWidth: number;
  originalHeight: number;
}

/** The size to decode at: the photo's own, or scaled down so its longer side is `maxSide`. */
export function workingSize(width: number, height: number, maxSide = WORKING_SIDE): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Why `file` cannot be opened, in words for the user. */
export function decodeProblem(name: string, type: string, head: Uint8Array): string {
  if (head.length === 0) return `${name} is empty.`;
  const header = readImageHeader(head);
  if (header) return `${name} looks like a ${header.format.toUpperCase()} image but cannot be decoded: the file is damaged or incomplete.`;
  if (type.startsWith('image/')) return `${name} (${type}) cannot be decoded by this browser: the file is damaged, or its format is not supported here. Try a JPEG, PNG or WebP.`;
  return `${name} is not an image${type ? ` (${type})` : ''}: choose a photo (JPEG, PNG, WebP or any picture this browser opens).`;
}

export async function openPhoto(file: Blob, name: string, maxSide = WORKING_SIDE): Promise<OpenedPhoto> {
  const head = new Uint8Array(await file.slice(0, 65536).arrayBuffer());
  const header = readImageHeader(head);
  if (header && header.width * header.height > MAX_PHOTO_PIXELS) {
    throw new Error(
      `${name} declares ${header.width}×${header.height} pixels (${Math.round((header.width * header.height) / 1e6)} megapixels), too large to open safely here: ` +
        `save a smaller copy (up to ${MAX_PHOTO_PIXELS / 1e6} megapixels) and open that.`,
    );
  }
  let bitmap: ImageBitmap;
  try {
    if (header && header.width > 0 && header.height > 0 && Math.max(header.width, header.height) > maxSide) {
      // The header gives the size: decode straight down to about the working size, never holding the full-size
      // pixels. Only the width is given (the height follows the aspect ratio): an EXIF rotation may swap the sides,
      // and two fixed sides would then squash the photo. A rotated photo comes out a little larger; see below.
      const scale = maxSide / Math.max(header.width, header.height);
      bitmap = await createImageBitmap(file, { imageOrientation: 'from-image', resizeWidth: Math.max(1, Math.round(header.width * scale)), resizeQuality: 'high' });
    } else {
      bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    }
  } catch {
    throw new Error(decodeProblem(name, file.type, head));
  }
  // The photo's own size, its sides swapped when the EXIF orientation turned it.
  const turned = header && header.width !== header.height && bitmap.width > bitmap.height !== header.width > header.height;
  const original = header
    ? { originalWidth: turned ? header.height : header.width, originalHeight: turned ? header.width : header.height }
    : { originalWidth: bitmap.width, originalHeight: bitmap.height };
  const target = workingSize(bitmap.width, bitmap.height, maxSide);
  if (target.width < bitmap.width) {
    const full = bitmap;
    bitmap = await createImageBitmap(full, { resizeWidth: target.width, resizeHeight: target.height, resizeQuality: 'high' });
    full.close();
  }
  return { bitmap, ...original };
}

/** The bitmap's RGBA pixels (through an OffscreenCanvas, which workers have). */
export function bitmapPixels(bitmap: ImageBitmap): Uint8ClampedArray {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('This browser gives workers no 2D canvas (OffscreenCanvas)');
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, bitmap.width, bitmap.height).data;
}
