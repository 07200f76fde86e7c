import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import decodeJpeg, { init as initDecoder } from '@jsquash/jpeg/decode.js';
import encodeJpeg, { init as initEncoder } from '@jsquash/jpeg/encode.js';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeGrayJpeg } from './jpegGray';

const MINI = new URL('../../../shared/data/fer2013-mini.zip', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const wasm = (path: string) => WebAssembly.compile(readFileSync(require.resolve(path)));

// The reference is mozjpeg's decoder (libjpeg-turbo's IDCT and range limiting: the pixels Pillow and browsers give).
beforeAll(async () => {
  await initDecoder(await wasm('@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'));
  await initEncoder(await wasm('@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm'));
});

describe('decodeGrayJpeg', () => {
  it("gives libjpeg-turbo's pixels for every FER2013 JPEG of the sample", async () => {
    const entries = Object.entries(unzipSync(readFileSync(MINI))).filter(([name]) => name.toLowerCase().endsWith('.jpg'));
    expect(entries.length).toBeGreaterThan(300);
    for (const [name, bytes] of entries) {
      const ours = decodeGrayJpeg(bytes);
      const reference = await decodeJpeg(bytes.slice().buffer);
      expect(ours, name).toBeDefined();
      expect([ours!.width, ours!.height]).toEqual([reference.width, reference.height]);
      const referenceGray = reference.data.filter((_, i) => i % 4 === 0);
      expect(Buffer.compare(Buffer.from(ours!.pixels), Buffer.from(referenceGray)), name).toBe(0);
    }
  });

  it('declines what it does not handle (colour, progressive) and garbage, so a full decoder takes over', async () => {
    const rgba = new Uint8ClampedArray(16 * 16 * 4).map((_, i) => (i * 37) % 256);
    const colour = new Uint8Array(await encodeJpeg(new ImageData(rgba, 16, 16), { quality: 90 }));
    expect(colour[0]).toBe(0xff);
    expect(decodeGrayJpeg(colour)).toBeUndefined();
    expect(decodeGrayJpeg(new Uint8Array([0xff, 0xd8, 0xff, 0xdb, 0, 3, 1]))).toBeUndefined();
    expect(decodeGrayJpeg(new Uint8Array(100))).toBeUndefined();
  });
});
