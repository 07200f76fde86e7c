/** Reads faces of a stored dataset for display: one page of one emotion, pixels gathered from their chunks. */
import type { UseStore } from 'idb-keyval';
import { FACE_AREA } from './faceSet';
import { datasetStore, getColumns, getManifest, getPixelChunk } from './storage';

export interface FacePage {
  total: number;
  faces: { index: number; imageId: string; sourceName: string; split: number; subset: number; flags: number }[];
  /** pixels of the page's faces, 48×48 each, concatenated */
  pixels: Uint8Array;
}

/** Pixels of the given dataset images (by position), 48×48 each, concatenated in the order asked. */
export async function readFaces(id: string, indices: number[], db: UseStore = datasetStore()): Promise<Uint8Array> {
  const manifest = await getManifest(id, db);
  if (!manifest) throw new Error('This dataset is no longer stored');
  const pixels = new Uint8Array(indices.length * FACE_AREA);
  const chunks = new Map<number, Uint8Array>();
  for (const [k, index] of indices.entries()) {
    const chunkIndex = Math.floor(index / manifest.chunkSize);
    if (!chunks.has(chunkIndex)) chunks.set(chunkIndex, await getPixelChunk(id, chunkIndex, db));
    const within = index - chunkIndex * manifest.chunkSize;
    pixels.set(chunks.get(chunkIndex)!.subarray(within * FACE_AREA, (within + 1) * FACE_AREA), k * FACE_AREA);
  }
  return pixels;
}

export async function readFacePage(id: string, label: number, offset: number, count: number, db: UseStore = datasetStore()): Promise<FacePage> {
  const [manifest, columns] = await Promise.all([getManifest(id, db), getColumns(id, db)]);
  if (!manifest || !columns) throw new Error('This dataset is no longer stored');
  const matching: number[] = [];
  columns.labels.forEach((l, i) => l === label && matching.push(i));
  const page = matching.slice(offset, offset + count);
  const pixels = await readFaces(id, page, db);
  return {
    total: matching.length,
    faces: page.map((index) => ({
      index,
      imageId: columns.imageIds[index],
      sourceName: columns.sourceNames[index],
      split: columns.splits[index],
      subset: columns.subsets[index],
      flags: columns.flags[index],
    })),
    pixels,
  };
}
