/** Ingest worker: imports archives and reads stored faces, off the main thread. Logic lives in src/dataset/. */
import decodeJpeg, { init as initJpeg } from '@jsquash/jpeg/decode.js';
import jpegWasmUrl from '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm?url';
import { exposeApi, transfer, type JobContext } from '../src/lib/rpc';
import { LOCKS, whenFree, withLock } from '../src/lib/tabs';
import { readFacePage, readFaces, type FacePage } from '../src/dataset/browse';
import { decodeGrayJpeg } from '../src/dataset/jpegGray';
import { ingestFile, type DecodedImage, type IngestProgress, type IngestResult } from '../src/dataset/ingest';
import { deleteDataset, removeOrphans } from '../src/dataset/storage';
import type { IngestWorkerApi } from '../src/dataset/ingestWorker';

let canvas: OffscreenCanvas | undefined;
let jpegReady: Promise<void> | undefined;

/**
 * FER2013's JPEGs (baseline, one gray component) decode in plain JS straight to gray (jpegGray.ts, bit-exact with
 * libjpeg-turbo): for 48×48 images the per-call cost of crossing into WASM dominates. Other JPEGs go through
 * mozjpeg compiled to WASM (@jsquash/jpeg: libjpeg-turbo's output, the same pixels Pillow gives, about 30× faster
 * than an ImageBitmap per small image); other formats use the browser's own decoders.
 */
async function decode(bytes: Uint8Array): Promise<DecodedImage> {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const gray = decodeGrayJpeg(bytes);
    if (gray) return { gray: gray.pixels, width: gray.width, height: gray.height };
    jpegReady ??= WebAssembly.compileStreaming(fetch(jpegWasmUrl)).then((module) => initJpeg(module));
    await jpegReady;
    const image = await decodeJpeg(bytes.slice().buffer);
    return { rgba: image.data, width: image.width, height: image.height };
  }
  return decodeWithBrowser(bytes);
}

async function decodeWithBrowser(bytes: Uint8Array): Promise<DecodedImage> {
  const bitmap = await createImageBitmap(new Blob([bytes as BlobPart]));
  try {
    const { width, height } = bitmap;
    if (!canvas || canvas.width !== width || canvas.height !== height) canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    context.drawImage(bitmap, 0, 0);
    return { rgba: context.getImageData(0, 0, width, height).data, width, height };
  } finally {
    bitmap.close();
  }
}

const api = {
  async ingest(input: { file: File }, ctx: JobContext<IngestProgress>): Promise<IngestResult> {
    // Shared: imports in several tabs may run together; the clean-up of interrupted imports waits for none of them.
    return withLock(LOCKS.datasetWrites, 'shared', () => ingestFile(input.file, { decode, signal: ctx.signal, onProgress: ctx.progress }));
  },
  async facePage(input: { id: string; label: number; offset: number; count: number }): Promise<FacePage> {
    const page = await readFacePage(input.id, input.label, input.offset, input.count);
    return transfer(page, [page.pixels.buffer]);
  },
  async faces(input: { id: string; indices: number[] }): Promise<Uint8Array> {
    const pixels = await readFaces(input.id, input.indices);
    return transfer(pixels, [pixels.buffer]);
  },
  async deleteDataset(input: { id: string }): Promise<void> {
    await deleteDataset(input.id);
  },
  /** Removes what interrupted imports left, unless an import (of any tab) is running: its records look the same. */
  async removeOrphans(): Promise<string[]> {
    return (await whenFree(LOCKS.datasetWrites, () => removeOrphans())) ?? [];
  },
} satisfies IngestWorkerApi;

exposeApi(api);
