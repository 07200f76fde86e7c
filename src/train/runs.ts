/**
 * Saved classifier runs (IndexedDB, a store of their own): the record (settings, curves, metrics, data and embedding
 * identity) and the model, so a run survives a reload, can be compared, deleted and downloaded. Each registry entry
 * names its key prefixes (`storage`): MLP runs live under run:/model:, forests under forest-run:/forest:, linear
 * probes under probe-run:/probe:, so one kind's list never holds another's.
 */
import { zipSync, strToU8 } from 'fflate';
import { createStore, delMany, get, getMany, keys, setMany, type UseStore } from 'idb-keyval';
import type { Representation } from '../embed/embeddingCache';
import { withQuotaMessage } from '../lib/quota';
import type { Forest } from './forest';
import type { ClassifierRun, ForestRunRecord, ModelFiles, RunIdentity, RunRecord, ScoredResult } from './types';

export type { ForestRunRecord, ModelFiles, RunIdentity, RunRecord } from './types';

/** Where one kind of classifier keeps its records and models (a registry entry's `storage`). */
export interface RunStorage {
  record: string;
  model: string;
}
const MLP: RunStorage = { record: 'run', model: 'model' };
const FOREST: RunStorage = { record: 'forest-run', model: 'forest' };

/** A new run's identity: a unique, time-ordered id and the features it trains on. */
export function newRunIdentity(input: { datasetId: string; datasetName: string; features: { kind: 'clip'; rep: Representation } | { kind: 'raw-pixels' } }): RunIdentity {
  return {
    id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    createdAt: new Date().toISOString(),
    datasetId: input.datasetId,
    datasetName: input.datasetName,
    featureKind: input.features.kind,
    rep: input.features.kind === 'clip' ? input.features.rep : undefined,
  };
}

let defaultStore: UseStore | undefined;
const store = () => (defaultStore ??= createStore('facet-runs', 'runs'));

export async function saveClassifierRun(storage: RunStorage, record: ClassifierRun, model: unknown, db = store()): Promise<void> {
  // One transaction: a run is never stored without its model, or the reverse.
  await withQuotaMessage(`the ${storage.record === 'run' ? 'run' : storage.model}`, () =>
    setMany([[`${storage.model}:${record.id}`, model], [`${storage.record}:${record.id}`, record]], db),
  );
}

export async function listClassifierRuns<R extends ScoredResult = ScoredResult>(storage: RunStorage, db = store()): Promise<ClassifierRun<R>[]> {
  const names = (await keys<string>(db)).filter((k) => k.startsWith(`${storage.record}:`));
  const runs = (await getMany<ClassifierRun<R>>(names, db)).filter((r): r is ClassifierRun<R> => Boolean(r));
  return runs.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export const getClassifierModel = <M = unknown>(storage: RunStorage, id: string, db = store()) => get<M>(`${storage.model}:${id}`, db);

/** One transaction over the record and its model: a delete cut off by a reload or a crash leaves both or neither. */
export async function deleteClassifierRun(storage: RunStorage, id: string, db = store()): Promise<void> {
  await delMany([`${storage.record}:${id}`, `${storage.model}:${id}`], db);
}

export const saveRun = (record: RunRecord, model: ModelFiles, db = store()) => saveClassifierRun(MLP, record, model, db);
/** A run's stored model files (the Classify section predicts with them). */
export const getRunModel = (id: string, db = store()) => getClassifierModel<ModelFiles>(MLP, id, db);
export const listRuns = (db = store()) => listClassifierRuns(MLP, db) as Promise<RunRecord[]>;
export const deleteRun = (id: string, db = store()) => deleteClassifierRun(MLP, id, db);

/** The bytes of a run's stored weights (the storage panel's figure; the record itself is small). */
export async function runWeightBytes(id: string, db = store()): Promise<number> {
  return (await getRunModel(id, db))?.weightData.byteLength ?? 0;
}

/** A zip with record.json and the TensorFlow.js model (model.json + weights.bin), loadable by tf.loadLayersModel. */
export async function runArchive(record: RunRecord, db = store()): Promise<Uint8Array> {
  const model = await getRunModel(record.id, db);
  if (!model) throw new Error('The model of this run is no longer stored');
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'Facet',
    modelTopology: model.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: model.weightSpecs }],
  };
  const json = (value: unknown) =>
    strToU8(JSON.stringify(value, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v), 2));
  return zipSync({ 'record.json': json(record), 'model.json': json(modelJson), 'weights.bin': new Uint8Array(model.weightData) });
}

/** The forest is its flat typed arrays, stored as is. */
export const saveForestRun = (record: ForestRunRecord, forest: Forest, db = store()) => saveClassifierRun(FOREST, record, forest, db);
export const listForestRuns = (db = store()) => listClassifierRuns(FOREST, db) as Promise<ForestRunRecord[]>;
export const loadForest = (id: string, db = store()) => getClassifierModel<Forest>(FOREST, id, db);
export const deleteForestRun = (id: string, db = store()) => deleteClassifierRun(FOREST, id, db);
