/**
 * What Facet keeps in this browser, per kind and item, with sizes: datasets (IndexedDB facet-datasets), embeddings
 * per representation (facet-embeddings), training runs (facet-runs) and model files (Cache Storage). Sizes are the
 * payload bytes (pixels, vectors, weights, files); the browser's own figure for everything is navigator.storage's.
 */
import { listManifests } from '../dataset/storage';
import { FACE_AREA } from '../dataset/faceSet';
import { listStoredRepresentations } from '../embed/embeddingCache';
import { listCachedModelFiles } from '../embed/modelFiles';
import { listForestRuns, listRuns, runWeightBytes } from '../train/runs';
import { listResults, recordBytes } from '../lib/resultRecords';

export type StoredKind = 'dataset' | 'embeddings' | 'run' | 'forest-run' | 'result' | 'model-file';

export interface StoredItem {
  kind: StoredKind;
  /** what deleting it needs: dataset id, representation key, run id or file URL */
  key: string;
  name: string;
  detail: string;
  bytes: number;
}

export async function storageInventory(): Promise<StoredItem[]> {
  const [datasets, representations, runs, files, forests, results] = await Promise.all([
    listManifests(),
    listStoredRepresentations(),
    listRuns(),
    listCachedModelFiles(),
    listForestRuns(),
    listResults(),
  ]);
  const datasetName = new Map(datasets.map((d) => [d.id, d.name]));
  const runBytes = await Promise.all(runs.map((r) => runWeightBytes(r.id)));
  return [
    ...datasets.map((d) => ({
      kind: 'dataset' as const,
      key: d.id,
      name: d.name,
      detail: `${d.count.toLocaleString('en-US')} faces · imported ${d.createdAt.slice(0, 10)}`,
      bytes: d.count * FACE_AREA,
    })),
    ...representations.map((r) => ({
      kind: 'embeddings' as const,
      key: r.key,
      name: describeRepresentationKey(r.key),
      detail: `${r.count.toLocaleString('en-US')} vectors × ${r.dim}`,
      bytes: r.count * r.dim * 4,
    })),
    ...runs.map((r, i) => ({
      kind: 'run' as const,
      key: r.id,
      name: `${r.featureKind === 'clip' ? 'CLIP' : 'raw pixels'} run of ${r.createdAt.slice(0, 16).replace('T', ' ')}`,
      detail: `test accuracy ${(100 * r.result.test.accuracy).toFixed(2)}% · ${r.datasetName}`,
      bytes: runBytes[i],
    })),
    ...forests.map((r) => ({
      kind: 'forest-run' as const,
      key: r.id,
      name: `${r.featureKind === 'clip' ? 'CLIP' : 'raw pixels'} forest of ${r.result.settings.trees} trees, ${r.createdAt.slice(0, 16).replace('T', ' ')}`,
      detail: `test accuracy ${(100 * r.result.test.accuracy).toFixed(2)}% · ${r.datasetName}`,
      bytes: r.result.storedBytes ?? 0,
    })),
    ...results.map((r) => ({
      kind: 'result' as const,
      key: `${r.kind}:${r.id}`,
      name: r.title,
      detail: `${r.createdAt.slice(0, 16).replace('T', ' ')} · ${datasetName.get(r.datasetId) ?? 'a deleted dataset'}`,
      bytes: recordBytes(r),
    })),
    ...files.map((f) => ({ kind: 'model-file' as const, key: f.url, name: fileName(f.url), detail: f.url, bytes: f.bytes })),
  ];
}

/** "clip|Xenova/clip-vit-base-patch32|quantized|512" → "CLIP Xenova/clip-vit-base-patch32 (quantized, 512-d)". */
export function describeRepresentationKey(key: string): string {
  const parts = key.split('|');
  if (parts[0] === 'raw-pixels') return `Raw pixels (${parts[1]} values)`;
  return `CLIP ${parts.slice(1, -2).join('|')} (${parts.at(-2)}, ${parts.at(-1)}-d)`;
}

function fileName(url: string): string {
  const path = new URL(url).pathname.split('/').filter(Boolean);
  return path.slice(-2).join('/');
}
