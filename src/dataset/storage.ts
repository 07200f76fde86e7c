/**
 * Datasets in IndexedDB (idb-keyval, a store of their own). Layout per dataset id (the archive's SHA-256):
 *   pixels:<id>:<k>  one chunk of 48×48 faces      columns:<id>  per-image ids, labels, splits, flags
 *   manifest:<id>    summary; written LAST and deleted FIRST, so a dataset is visible only when complete.
 * Anything of an id without a manifest is an orphan of an interrupted import and is removed at start-up.
 */
import { createStore, del, delMany, get, keys, set, getMany, type UseStore } from 'idb-keyval';
import { withQuotaMessage } from '../lib/quota';
import type { FaceSetColumns, FaceSetManifest } from './faceSet';

let defaultStore: UseStore | undefined;
export function datasetStore(): UseStore {
  return (defaultStore ??= createStore('facet-datasets', 'records'));
}

const manifestKey = (id: string) => `manifest:${id}`;
const columnsKey = (id: string) => `columns:${id}`;
const pixelsKey = (id: string, k: number) => `pixels:${id}:${k}`;

const guarded = <T>(write: () => Promise<T>) => withQuotaMessage('the dataset', write);

export const putPixelChunk = (id: string, k: number, pixels: Uint8Array, db = datasetStore()) => guarded(() => set(pixelsKey(id, k), pixels, db));
export const putColumns = (id: string, columns: FaceSetColumns, db = datasetStore()) => guarded(() => set(columnsKey(id), columns, db));
export const putManifest = (manifest: FaceSetManifest, db = datasetStore()) => guarded(() => set(manifestKey(manifest.id), manifest, db));

export const getManifest = (id: string, db = datasetStore()) => get<FaceSetManifest>(manifestKey(id), db);
export const getColumns = (id: string, db = datasetStore()) => get<FaceSetColumns>(columnsKey(id), db);
export async function getPixelChunk(id: string, k: number, db = datasetStore()): Promise<Uint8Array> {
  const chunk = await get<Uint8Array>(pixelsKey(id, k), db);
  if (!chunk) throw new Error(`Dataset ${id.slice(0, 8)} is missing its pixel chunk ${k}: delete it and import it again`);
  return chunk;
}

export async function listManifests(db = datasetStore()): Promise<FaceSetManifest[]> {
  const names = (await keys<string>(db)).filter((k) => k.startsWith('manifest:'));
  const manifests = (await getMany<FaceSetManifest>(names, db)).filter((m): m is FaceSetManifest => Boolean(m));
  return manifests.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Deletes a dataset: the manifest first, so an interrupted delete leaves an orphan, never a broken dataset. */
export async function deleteDataset(id: string, db = datasetStore()): Promise<void> {
  await del(manifestKey(id), db);
  await deleteRecordsOf(id, db);
}

async function deleteRecordsOf(id: string, db: UseStore): Promise<void> {
  const own = (await keys<string>(db)).filter((k) => k === columnsKey(id) || k.startsWith(`pixels:${id}:`));
  await delMany(own, db);
}

/** Removes the records of imports that never wrote their manifest; returns the ids cleaned. */
export async function removeOrphans(db = datasetStore(), keep: (id: string) => boolean = () => false): Promise<string[]> {
  const all = await keys<string>(db);
  const complete = new Set(all.filter((k) => k.startsWith('manifest:')).map((k) => k.slice('manifest:'.length)));
  const orphans = new Set(
    all
      .filter((k) => k.startsWith('pixels:') || k.startsWith('columns:'))
      .map((k) => k.split(':')[1])
      .filter((id) => !complete.has(id) && !keep(id)),
  );
  for (const id of orphans) await deleteRecordsOf(id, db);
  return [...orphans];
}

export const discardIncomplete = (id: string, db = datasetStore()) => deleteRecordsOf(id, db);
