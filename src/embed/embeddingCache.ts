/**
 * Embeddings kept in IndexedDB, one record per (representation, image id): a representation is what produced the
 * vector (CLIP checkpoint + precision, or raw pixels), the image id the hash of its pixels. Identical images share
 * one record, every batch is written in one transaction (a crash or cancel loses at most the batch in flight, never
 * half of one), and a resumed run asks which ids are missing and computes only those.
 * Vectors are stored L2-normalized: they are normalized once, here, for every later stage.
 */
import { createStore, promisifyRequest, setMany, type UseStore } from 'idb-keyval';
import { withQuotaMessage } from '../lib/quota';
import { l2NormalizeRows } from '../lib/vectors';

export interface Representation {
  /**
   * 'raw-pixels', or the repKind of the backbone that made the vectors (src/embed/backbones): 'clip' for every CLIP
   * checkpoint (as stored before the registry existed), 'siglip', 'face-api-expression', …
   */
  kind: string;
  /** model identity (hub repo, mirror URL, local files or backbone id) for a backbone */
  model?: string;
  precision?: string;
  dim: number;
  /** made by a generated test model (random weights): not part of the key, it marks results as not the paper's */
  randomWeights?: boolean;
}

export function representationKey(r: Representation): string {
  // CLIP's keys are the ones stored before the registry: `clip|<model>|<precision>|<dim>`, every backbone alike.
  return r.kind === 'raw-pixels' ? `raw-pixels|${r.dim}` : `${r.kind}|${r.model}|${r.precision}|${r.dim}`;
}

let defaultStore: UseStore | undefined;
function store(): UseStore {
  return (defaultStore ??= createStore('facet-embeddings', 'vectors'));
}

const range = (key: string) => IDBKeyRange.bound([key], [key, []]);

/** Normalizes `vectors` ([ids.length, dim]) and stores them in one transaction. */
export async function putEmbeddings(rep: Representation, ids: readonly string[], vectors: Float32Array, db = store()): Promise<void> {
  if (vectors.length !== ids.length * rep.dim) throw new Error(`${vectors.length} values are not ${ids.length} × ${rep.dim}`);
  l2NormalizeRows(vectors, rep.dim);
  const key = representationKey(rep);
  await withQuotaMessage('the latest embeddings', () =>
    setMany(
      ids.map((id, i) => [[key, id], vectors.slice(i * rep.dim, (i + 1) * rep.dim)]),
      db,
    ),
  );
}

/** The ids among `ids` that have no stored vector yet (each listed once). */
export async function missingIds(rep: Representation, ids: readonly string[], db = store()): Promise<string[]> {
  const key = representationKey(rep);
  const stored = await db('readonly', (s) => promisifyRequest(s.getAllKeys(range(key))));
  const have = new Set((stored as [string, string][]).map(([, id]) => id));
  return [...new Set(ids)].filter((id) => !have.has(id));
}

/** Vectors for `ids` in their order, [ids.length, dim]; throws naming how many are missing. */
export async function loadEmbeddings(rep: Representation, ids: readonly string[], db = store()): Promise<Float32Array> {
  const { positions, vectors } = await loadStoredEmbeddings(rep, ids, db);
  const missing = ids.length - positions.length;
  if (missing) throw new Error(`${missing} of ${ids.length} images have no ${rep.kind} embedding yet`);
  return vectors;
}

/** Every stored representation (by its key) with its vector count, for the storage panel. */
export async function listStoredRepresentations(db = store()): Promise<{ key: string; count: number; dim: number }[]> {
  const keys = (await db('readonly', (s) => promisifyRequest(s.getAllKeys()))) as [string, string][];
  const counts = new Map<string, number>();
  for (const [key] of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].map(([key, count]) => ({ key, count, dim: Number(key.split('|').at(-1)) }));
}

/** Deletes every vector stored under a representation key; returns how many there were. */
export async function deleteRepresentationKey(key: string, db = store()): Promise<number> {
  return db('readwrite', async (s) => {
    const count = await promisifyRequest(s.count(range(key)));
    await promisifyRequest(s.delete(range(key)));
    return count;
  });
}

/** Deletes every vector of a representation; returns how many there were. */
export const deleteRepresentation = (rep: Representation, db = store()) => deleteRepresentationKey(representationKey(rep), db);

/** The stored vectors among `ids`: their positions in `ids` and the vectors, [positions.length, dim]. */
export async function loadStoredEmbeddings(rep: Representation, ids: readonly string[], db = store()): Promise<{ positions: number[]; vectors: Float32Array }> {
  const key = representationKey(rep);
  const [keys, values] = await db('readonly', (s) =>
    Promise.all([promisifyRequest(s.getAllKeys(range(key))), promisifyRequest(s.getAll(range(key)))]),
  );
  const byId = new Map<string, Float32Array>();
  (keys as [string, string][]).forEach(([, id], i) => byId.set(id, values[i] as Float32Array));
  const positions = ids.flatMap((id, i) => (byId.has(id) ? [i] : []));
  const vectors = new Float32Array(positions.length * rep.dim);
  positions.forEach((p, k) => vectors.set(byId.get(ids[p])!, k * rep.dim));
  return { positions, vectors };
}
