/**
 * Test helpers: 24-bit BMP files written and read in plain code, so dataset tests run in Node with real image
 * bytes (headers, sizes, colour) without a browser decoder.
 */
import type { DecodedImage } from './ingest';

export function bmp(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): Uint8Array {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const out = new Uint8Array(54 + rowBytes * height);
  const view = new DataView(out.buffer);
  out[0] = 0x42;
  out[1] = 0x4d;
  view.setUint32(2, out.length, true);
  view.setUint32(10, 54, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, width, true);
  view.setInt32(22, -height, true); // top-down rows
  view.setUint16(26, 1, true);
  view.setUint16(28, 24, true);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = rgb(x, y);
      const i = 54 + y * rowBytes + x * 3;
      out[i] = b;
      out[i + 1] = g;
      out[i + 2] = r;
    }
  }
  return out;
}

export async function decodeBmp(bytes: Uint8Array): Promise<DecodedImage> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0x42 || bytes[1] !== 0x4d || bytes.length < 54) throw new Error('not a BMP');
  const width = view.getInt32(18, true);
  const height = Math.abs(view.getInt32(22, true));
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  if (bytes.length < 54 + rowBytes * height) throw new Error('truncated BMP');
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 54 + y * rowBytes + x * 3;
      const o = (y * width + x) * 4;
      rgba[o] = bytes[i + 2];
      rgba[o + 1] = bytes[i + 1];
      rgba[o + 2] = bytes[i];
      rgba[o + 3] = 255;
    }
  }
  return { rgba, width, height };
}

/** A gray 48×48 face whose pixels depend on `seed`. */
export const face = (seed: number) => bmp(48, 48, (x, y) => {
  const v = (x * 5 + y * 3 + seed * 37) % 256;
  return [v, v, v];
});
