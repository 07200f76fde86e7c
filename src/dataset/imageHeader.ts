/**
 * Reads an image's format and declared size from its first bytes, before any decoding: a 100,000 × 100,000 PNG
 * would exhaust memory in the decoder, so huge images are refused from the header alone.
 */
export interface ImageHeader {
  format: 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp';
  width: number;
  height: number;
}

export const MAX_IMAGE_SIDE = 8192;
export const MAX_IMAGE_PIXELS = 40e6;

const u16be = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u16le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const u32be = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const u24le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);

export function readImageHeader(b: Uint8Array): ImageHeader | undefined {
  if (b.length >= 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
    return { format: 'png', width: u32be(b, 16), height: u32be(b, 20) };
  }
  if (b.length >= 10 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return { format: 'gif', width: u16le(b, 6), height: u16le(b, 8) };
  if (b.length >= 26 && b[0] === 0x42 && b[1] === 0x4d) {
    const w = b[18] | (b[19] << 8) | (b[20] << 16) | (b[21] << 24);
    const h = b[22] | (b[23] << 8) | (b[24] << 16) | (b[25] << 24);
    return { format: 'bmp', width: Math.abs(w), height: Math.abs(h) };
  }
  if (b.length >= 30 && String.fromCharCode(...b.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...b.subarray(8, 12)) === 'WEBP') {
    const chunk = String.fromCharCode(...b.subarray(12, 16));
    if (chunk === 'VP8X') return { format: 'webp', width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
    if (chunk === 'VP8L') return { format: 'webp', width: (u16le(b, 21) & 0x3fff) + 1, height: (((b[22] >> 6) | (b[23] << 2) | (b[24] << 10)) & 0x3fff) + 1 };
    if (chunk === 'VP8 ') return { format: 'webp', width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    // Walk the JPEG segments to the first start-of-frame marker.
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return undefined;
      const marker = b[i + 1];
      if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01 || marker === 0xff) {
        i += marker === 0xff ? 1 : 2;
        continue;
      }
      const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isFrame) return { format: 'jpeg', width: u16be(b, i + 7), height: u16be(b, i + 5) };
      i += 2 + u16be(b, i + 2);
    }
  }
  return undefined;
}

/** Why an image cannot be decoded, from its header alone, or undefined when it may be. */
export function headerProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return 'empty file';
  const header = readImageHeader(bytes);
  if (!header) return 'not a recognised image (JPEG, PNG, GIF, WebP or BMP)';
  if (header.width === 0 || header.height === 0) return `image declares a size of ${header.width}×${header.height}`;
  if (header.width > MAX_IMAGE_SIDE || header.height > MAX_IMAGE_SIDE || header.width * header.height > MAX_IMAGE_PIXELS) {
    return `image declares ${header.width}×${header.height} pixels, too large to decode safely`;
  }
  return undefined;
}
