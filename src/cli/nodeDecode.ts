/**
 * Image decoding for the command line's import: the same decoders as the browser's ingest worker where Node can run
 * them (FER2013's gray JPEGs in plain JS, other JPEGs with mozjpeg in WASM). Node has no PNG/WebP decoder of its
 * own; such archives are refused by name and import in the browser instead.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import decodeJpeg, { init as initJpeg } from '@jsquash/jpeg/decode.js';
import { decodeGrayJpeg } from '../dataset/jpegGray';
import type { DecodedImage } from '../dataset/ingest';

let jpegReady: Promise<void> | undefined;

export async function decodeImageInNode(bytes: Uint8Array): Promise<DecodedImage> {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) {
    throw new Error('the command line decodes JPEG images only (import PNG or WebP archives in the browser)');
  }
  const gray = decodeGrayJpeg(bytes);
  if (gray) return { gray: gray.pixels, width: gray.width, height: gray.height };
  jpegReady ??= (async () => {
    const wasm = fileURLToPath(import.meta.resolve('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'));
    await initJpeg(await WebAssembly.compile(readFileSync(wasm)));
  })();
  await jpegReady;
  const image = await decodeJpeg(bytes.slice().buffer);
  return { rgba: image.data, width: image.width, height: image.height };
}
