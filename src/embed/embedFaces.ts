/**
 * Embeds faces into the embedding cache: only the ids not stored yet, in batches, each batch preprocessed as its
 * backbone declares (Pillow-exact for the hub's models), encoded, normalized and written in one transaction. A cancel or crash loses at most the
 * batches in flight; the next run picks up from the cache. Runs in the embed worker; `encode` is the model.
 */
import { throwIfCancelled } from '../lib/rpc';
import { missingIds, putEmbeddings, type Representation } from './embeddingCache';
import type { ImagePreprocessing } from './backbones';
import { pixelValues, valuesPerImage } from './preprocess';
import type { UseStore } from 'idb-keyval';

export interface FaceBatch {
  /** stable image ids (pixel hashes), one per face */
  ids: string[];
  /** 8-bit grayscale faces, side × side each, row-major, concatenated */
  pixels: Uint8Array;
  side: number;
}

export type Encode = (pixelValues: Float32Array, count: number) => Promise<Float32Array>;

export interface EmbedFacesOptions {
  batchSize: number;
  /** the backbone's preprocessing (with the size its loaded file takes) */
  preprocessing: ImagePreprocessing;
  signal: AbortSignal;
  /** batches encoding at once (one per encoder session); stored in order all the same. Default 1. */
  concurrency?: number;
  /** called after each stored batch with the number of faces it embedded */
  onBatch?: (embedded: number) => void;
  /** called after each stored batch with its ids and their normalized vectors (the CLI appends them to its output) */
  onStored?: (ids: string[], vectors: Float32Array) => void | Promise<void>;
  db?: UseStore;
}

/** Returns how many faces were embedded now (ids already cached and repeated ids are skipped). */
export async function embedFaces(rep: Representation, faces: FaceBatch, encode: Encode, options: EmbedFacesOptions): Promise<number> {
  const { batchSize, preprocessing, signal, onBatch, onStored, db } = options;
  const area = faces.side * faces.side;
  if (faces.pixels.length !== faces.ids.length * area) {
    throw new Error(`${faces.pixels.length} pixels are not ${faces.ids.length} faces of ${faces.side}×${faces.side}`);
  }
  const todo = new Set(await missingIds(rep, faces.ids, db));
  const firstIndex = new Map<string, number>();
  faces.ids.forEach((id, i) => {
    if (todo.has(id) && !firstIndex.has(id)) firstIndex.set(id, i);
  });
  const queue = [...firstIndex.entries()];
  const plane = valuesPerImage(preprocessing, faces.side);
  const concurrency = Math.max(1, options.concurrency ?? 1);
  // Batches handed to the encoder and not stored yet, oldest first: the next batch is preprocessed while they run.
  const inFlight: Array<{ ids: string[]; vectors: Promise<Float32Array> }> = [];
  let embedded = 0;
  const storeOldest = async () => {
    const { ids, vectors } = inFlight.shift()!;
    const values = await vectors;
    throwIfCancelled(signal);
    await putEmbeddings(rep, ids, values, db);
    await onStored?.(ids, values);
    embedded += ids.length;
    onBatch?.(ids.length);
  };
  try {
    for (let start = 0; start < queue.length; start += batchSize) {
      throwIfCancelled(signal);
      const batch = queue.slice(start, start + batchSize);
      const values = new Float32Array(batch.length * plane);
      batch.forEach(([, index], k) => {
        const face = { data: faces.pixels.subarray(index * area, (index + 1) * area), width: faces.side, height: faces.side, channels: 1 as const };
        pixelValues(face, preprocessing, values, k * plane);
      });
      const vectors = encode(values, batch.length);
      vectors.catch(() => {}); // a failure surfaces when its turn to be stored comes
      inFlight.push({ ids: batch.map(([id]) => id), vectors });
      if (inFlight.length >= concurrency) await storeOldest();
    }
    while (inFlight.length > 0) await storeOldest();
  } finally {
    // After a cancel or a failure, the caller goes on only once no encoder is busy with this call's batches.
    await Promise.allSettled(inFlight.map((b) => b.vectors));
  }
  return embedded;
}
