/**
 * Encode worker: one more copy of the vision encoder, started by the embed worker when a dataset embeds faster on
 * several single-threaded WASM sessions than on one multi-threaded session (src/embed/encoderPool.ts). It only runs
 * batches; reading faces, preprocessing and storing stay in the embed worker.
 */
import { exposeApi, transfer } from '../src/lib/rpc';
import { backboneById } from '../src/embed/backbones';
import { createEncoder, runEncoder, type Encoder } from '../src/embed/encoder';
import type { EncodeWorkerApi } from '../src/embed/embedWorker';

let encoder: Encoder | undefined;

const api = {
  async load(input: { bytes: Uint8Array; threads: number; backboneId: string }): Promise<{ dim: number }> {
    await encoder?.session.release();
    encoder = await createEncoder('vision', input.bytes, 'wasm', input.threads, 1, backboneById(input.backboneId));
    return { dim: encoder.iface.dim };
  },

  async encode(input: { pixelValues: Float32Array; count: number }): Promise<Float32Array> {
    if (!encoder) throw new Error('This encode worker has no model loaded');
    const size = encoder.iface.imageSize!;
    const embeddings = await runEncoder(encoder, input.pixelValues, [input.count, 3, size, size]);
    return transfer(embeddings, [embeddings.buffer]);
  },
} satisfies EncodeWorkerApi;

exposeApi(api);
