/**
 * The embeddings file Facet exports and imports: a zip of embeddings.npy (float32 [N, dim], L2-normalized) and
 * embeddings.json (format, representation, image ids, labels and splits), so vectors computed elsewhere (another
 * browser, a GPU machine, Python) come in under the same cache keys as vectors computed here.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { readNpy, writeNpy } from '../lib/npy';
import { REPRESENTATION_KINDS } from './backbones';
import type { Representation } from './embeddingCache';

export const EMBEDDINGS_FORMAT = 'facet-embeddings/1';

export interface EmbeddingFileMeta {
  format: string;
  representation: Representation;
  imageIds: string[];
  /** per row, when known: FER2013 label 0-6 and split */
  labels?: number[];
  splits?: ('train' | 'test')[];
}

export function writeEmbeddingFile(meta: Omit<EmbeddingFileMeta, 'format'>, vectors: Float32Array): Uint8Array {
  const { dim } = meta.representation;
  return zipSync({
    'embeddings.npy': writeNpy(vectors, meta.imageIds.length, dim),
    'embeddings.json': strToU8(JSON.stringify({ format: EMBEDDINGS_FORMAT, ...meta }, null, 1)),
  });
}

/** Reads an embeddings file; every error names the file (`fileName`) and what is wrong with it. */
export function readEmbeddingFile(bytes: Uint8Array, fileName = 'the embeddings file'): { meta: EmbeddingFileMeta; vectors: Float32Array } {
  try {
    return readEmbeddingZip(bytes);
  } catch (error) {
    throw new Error(`“${fileName}”: ${(error as Error).message}`, { cause: error });
  }
}

function readEmbeddingZip(bytes: Uint8Array): { meta: EmbeddingFileMeta; vectors: Float32Array } {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch {
    throw new Error('Not an embeddings file: it is not a zip (expected embeddings.npy and embeddings.json)');
  }
  const name = (suffix: string) => Object.keys(files).find((n) => n.endsWith(suffix));
  const npyName = name('embeddings.npy');
  const jsonName = name('embeddings.json');
  if (!npyName || !jsonName) throw new Error('Not an embeddings file: the zip needs embeddings.npy and embeddings.json');
  let meta: EmbeddingFileMeta;
  try {
    meta = JSON.parse(strFromU8(files[jsonName]));
  } catch {
    throw new Error('embeddings.json is not valid JSON');
  }
  if (meta.format !== EMBEDDINGS_FORMAT) throw new Error(`embeddings.json has format “${meta.format}”, expected ${EMBEDDINGS_FORMAT}`);
  const rep = meta.representation;
  if (!rep || !REPRESENTATION_KINDS.includes(rep.kind) || !Number.isInteger(rep.dim) || rep.dim <= 0) {
    throw new Error('embeddings.json does not say which model made the vectors (representation: kind, model, precision, dim)');
  }
  if (!Array.isArray(meta.imageIds) || meta.imageIds.some((id) => typeof id !== 'string')) throw new Error('embeddings.json has no list of image ids');
  const { values, rows, cols } = readNpy(files[npyName]);
  if (cols !== rep.dim) throw new Error(`embeddings.npy has ${cols} columns but the representation says ${rep.dim}`);
  if (rows !== meta.imageIds.length) throw new Error(`embeddings.npy has ${rows} rows for ${meta.imageIds.length} image ids`);
  if (!values.every(Number.isFinite)) throw new Error('embeddings.npy holds NaN or infinite values');
  return { meta, vectors: values };
}
