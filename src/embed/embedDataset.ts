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
import { stratifiedSample } from './sampling';

export interface EmbedDatasetProgress {
  done: number;
  total: number;
  /** images already embedded before this run */
  cached: number;
  /**
   * With a stratified sample first: its size and whether all of it is stored (the user can map and train on it
   * while the rest embeds).
   */
  sample?: { images: number; ready: boolean };
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
  const stratified = options.sampleFirst ? stratifiedSample(columns.labels, columns.splits, options.sampleFirst) : undefined;
  const order = stratified ? [...stratified.sample, ...stratified.rest] : columns.imageIds.map((_, i) => i);
  const missing = new Set(await missingIds(rep, columns.imageIds));
  const seen = new Set<string>();
  const todo = order.filter((i) => {
    const id = columns.imageIds[i];
    if (!missing.has(id) || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const uniqueTotal = new Set(columns.imageIds).size;
  // The sample comes first in `todo`: its first `sampleTodo` entries are the sample's images still to embed.
  const inSample = new Set(stratified?.sample);
  const sampleTodo = stratified ? todo.findIndex((i) => !inSample.has(i)) : -1;
  const sampleEnd = sampleTodo < 0 ? todo.length : sampleTodo;
  const sampleImages = stratified ? new Set(stratified.sample.map((i) => columns.imageIds[i])).size : 0;
  const progress: EmbedDatasetProgress = { done: 0, total: todo.length, cached: uniqueTotal - todo.length };
  const report = () => {
    if (stratified) progress.sample = { images: sampleImages, ready: progress.done >= sampleEnd };
    options.onProgress({ ...progress });
  };
  report();

  // A few recently read chunks stay in memory: the sample's slices touch several, the rest reads them in order.
  const chunks = new Map<number, Uint8Array>();
  const chunk = async (k: number) => {
    if (!chunks.has(k)) {
      if (chunks.size >= 3) chunks.delete(chunks.keys().next().value!);
      chunks.set(k, await getPixelChunk(datasetId, k));
    }
    return chunks.get(k)!;
  };

  // No slice straddles the end of the sample: when the done count reaches it, every sample image is stored.
  const starts: number[] = [];
  for (let start = 0; start < sampleEnd; start += SLICE) starts.push(start);
  for (let start = sampleEnd; start < todo.length; start += SLICE) starts.push(start);
  for (const [k, start] of starts.entries()) {
    const slice = todo.slice(start, starts[k + 1] ?? todo.length).sort((a, b) => a - b);
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
        report();
      },
    });
  }
  return progress;
}
