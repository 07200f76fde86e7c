/**
 * Embeds a stored dataset: reads its faces from IndexedDB slice by slice (never the whole pixel array at once),
 * optionally a stratified sample first, and hands each slice to embedFaces, which skips what is cached.
 * Worker-only (the embed worker reads the dataset store directly, so 83 MB of faces never cross the main thread).
 */
import { FACE_AREA, FACE_SIDE } from '../dataset/faceSet';
import { getColumns, getManifest, getPixelChunk } from '../dataset/storage';
import type { ImagePreprocessing } from './backbones';
import { missingIds, type Representation } from './embeddingCache';
import { embedFaces, type EmbedFacesOptions, type Encode } from './embedFaces';
import { stratifiedOrder } from './sampling';

export interface EmbedDatasetProgress {
  done: number;
  total: number;
  /** images already embedded before this run */
  cached: number;
}

// Each slice ends with the encoder sessions draining their last batches: large slices keep that idle time small.
const SLICE = 512;

export async function embedDataset(
  datasetId: string,
  rep: Representation,
  encode: Encode,
  options: {
    batchSize: number;
    preprocessing: ImagePreprocessing;
    /** batches encoding at once (the number of encoder sessions) */
    concurrency?: number;
    sampleFirst?: number;
    signal: AbortSignal;
    onProgress(p: EmbedDatasetProgress): void;
    onStored?: EmbedFacesOptions['onStored'];
  },
): Promise<EmbedDatasetProgress> {
  const [manifest, columns] = await Promise.all([getManifest(datasetId), getColumns(datasetId)]);
  if (!manifest || !columns) throw new Error('The dataset is no longer stored: import it again');
  const order = options.sampleFirst ? stratifiedOrder(columns.labels, columns.splits, options.sampleFirst) : columns.imageIds.map((_, i) => i);
  const missing = new Set(await missingIds(rep, columns.imageIds));
  const seen = new Set<string>();
  const todo = order.filter((i) => {
    const id = columns.imageIds[i];
    if (!missing.has(id) || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const uniqueTotal = new Set(columns.imageIds).size;
  const progress = { done: 0, total: todo.length, cached: uniqueTotal - todo.length };
  options.onProgress(progress);

  // A few recently read chunks stay in memory: the sample's slices touch several, the rest reads them in order.
  const chunks = new Map<number, Uint8Array>();
  const chunk = async (k: number) => {
    if (!chunks.has(k)) {
      if (chunks.size >= 3) chunks.delete(chunks.keys().next().value!);
      chunks.set(k, await getPixelChunk(datasetId, k));
    }
    return chunks.get(k)!;
  };

  for (let start = 0; start < todo.length; start += SLICE) {
    const slice = todo.slice(start, start + SLICE).sort((a, b) => a - b);
    const pixels = new Uint8Array(slice.length * FACE_AREA);
    for (const [k, index] of slice.entries()) {
      const c = Math.floor(index / manifest.chunkSize);
      const within = index - c * manifest.chunkSize;
      pixels.set((await chunk(c)).subarray(within * FACE_AREA, (within + 1) * FACE_AREA), k * FACE_AREA);
    }
    await embedFaces(rep, { ids: slice.map((i) => columns.imageIds[i]), pixels, side: FACE_SIDE }, encode, {
      batchSize: options.batchSize,
      preprocessing: options.preprocessing,
      concurrency: options.concurrency,
      signal: options.signal,
      onStored: options.onStored,
      onBatch: (n) => {
        progress.done += n;
        options.onProgress({ ...progress });
      },
    });
  }
  return progress;
}
