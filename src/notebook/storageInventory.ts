/**
 * What Facet keeps in this browser, per kind and item, with sizes: datasets (IndexedDB facet-datasets), embeddings
 * per representation (facet-embeddings), training runs (facet-runs) and model files (Cache Storage). Sizes are the
 * payload bytes (pixels, vectors, weights, files); the browser's own figure for everything is navigator.storage's.
 */
import { listManifests } from '../dataset/storage';
import { FACE_AREA } from '../dataset/faceSet';
import { listStoredRepresentations } from '../embed/embeddingCache';
import { listCachedModelFiles } from '../embed/modelFiles';
import { listResults, recordBytes } from '../lib/resultRecords';
import { CLASSIFIERS, type ClassifierKind } from '../train/classifiers';
import { checkpointBytes, getClassifierModel, listCheckpoints, listClassifierRuns } from '../train/runs';

/** 'run:<classifier kind>' for saved classifiers, 'result:<record kind>' for stored results (sweeps, …). */
export type StoredKind = 'dataset' | 'embeddings' | `run:${ClassifierKind}` | 'checkpoint' | `result:${string}` | 'model-file';

export interface StoredItem {
  kind: StoredKind;
  /** what deleting it needs: dataset id, representation key, run id, record id or file URL */
  key: string;
  name: string;
  detail: string;
  bytes: number;
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const RESULT_TITLES: Record<string, string> = { sweep: 'Sweep tables', 'zero-shot': 'Zero-shot scores', map: 'Embedding maps', 'data-efficiency': 'Data-efficiency curves' };

/** The panel's groups, in order: derived from the registry and from the result kinds actually stored. */
export function storageGroups(items: readonly StoredItem[]): [StoredKind, string][] {
  const resultKinds = [...new Set(items.map((i) => i.kind).filter((k) => k.startsWith('result:')))].sort() as StoredKind[];
  return [
    ['dataset', 'Datasets'],
    ['embeddings', 'Embeddings'],
    ...CLASSIFIERS.map((c): [StoredKind, string] => [`run:${c.kind}`, `${capitalize(c.label)} runs`]),
    ['checkpoint', 'Training checkpoints'],
    ...resultKinds.map((k): [StoredKind, string] => [k, RESULT_TITLES[k.slice('result:'.length)] ?? capitalize(k.slice('result:'.length))]),
    ['model-file', 'Model files'],
  ];
}

async function classifierItems(): Promise<StoredItem[]> {
  const perKind = await Promise.all(
    CLASSIFIERS.map(async (entry) => {
      const runs = await listClassifierRuns(entry.storage);
      return Promise.all(
        runs.map(async (r) => {
          // A result that knows its stored size saves reading the model (forests can be large).
          const known = (r.result as { storedBytes?: number }).storedBytes;
          const bytes = known ?? entry.storedBytes(await getClassifierModel(entry.storage, r.id));
          return {
            kind: `run:${entry.kind}` as const,
            key: r.id,
            name: `${r.featureKind === 'clip' ? 'CLIP' : 'raw pixels'} ${entry.label}, ${r.createdAt.slice(0, 16).replace('T', ' ')}`,
            detail: `test accuracy ${(100 * r.result.test.accuracy).toFixed(2)}% · ${entry.describe(r.result.settings)} · ${r.datasetName}`,
            bytes,
          };
        }),
      );
    }),
  );
  return perKind.flat();
}

export async function storageInventory(): Promise<StoredItem[]> {
  const [datasets, representations, classifiers, checkpoints, results, files] = await Promise.all([
    listManifests(),
    listStoredRepresentations(),
    classifierItems(),
    listCheckpoints(),
    listResults(),
    listCachedModelFiles(),
  ]);
  const datasetName = new Map(datasets.map((d) => [d.id, d.name]));
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
    ...classifiers,
    ...checkpoints.map((c) => ({
      kind: 'checkpoint' as const,
      key: c.key,
      name: `${c.features.kind === 'clip' ? 'CLIP' : 'raw pixels'} MLP stopped after epoch ${c.epoch} of ${c.settings.epochs}, ${c.savedAt.slice(0, 16).replace('T', ' ')}`,
      detail: `seed ${c.settings.seed} · ${c.datasetName} · Train offers to continue it`,
      bytes: checkpointBytes(c),
    })),
    ...results.map((r) => ({
      kind: `result:${r.kind}` as const,
      key: r.id,
      name: r.title,
      detail: `computed ${r.createdAt.slice(0, 16).replace('T', ' ')} · ${datasetName.get(r.datasetId) ?? 'a deleted dataset'}`,
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
