/**
 * Saved training runs (IndexedDB, a store of their own): the record (settings, curves, metrics, data and embedding
 * identity) and the model's weights, so a run survives a reload, can be compared, deleted and downloaded.
 */
import { zipSync, strToU8 } from 'fflate';
import { createStore, delMany, get, getMany, keys, setMany, type UseStore } from 'idb-keyval';
import type { Representation } from '../embed/embeddingCache';
import { withQuotaMessage } from '../lib/quota';
import type { Forest } from './forest';
import type { ForestResult } from './forestRun';
import type { TrainResult } from './trainRun';

/** What every saved run records besides its result: which data and which features it learned from. */
export interface RunIdentity {
  id: string;
  createdAt: string;
  datasetId: string;
  datasetName: string;
  featureKind: 'clip' | 'raw-pixels';
  rep?: Representation;
}

export interface RunRecord extends RunIdentity {
  result: TrainResult;
}

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

/** TensorFlow.js model files: model.json's topology and weight manifest, and the weights. */
export interface ModelFiles {
  modelTopology: object;
  weightSpecs: object[];
  weightData: ArrayBuffer;
}

let defaultStore: UseStore | undefined;
const store = () => (defaultStore ??= createStore('facet-runs', 'runs'));

export async function saveRun(record: RunRecord, model: ModelFiles, db = store()): Promise<void> {
  // One transaction: a run is never stored without its model, or the reverse.
  await withQuotaMessage('the run', () => setMany([[`model:${record.id}`, model], [`run:${record.id}`, record]], db));
}

/** A run's stored model files (the Classify section predicts with them). */
export const getRunModel = (id: string, db = store()) => get<ModelFiles>(`model:${id}`, db);

export async function listRuns(db = store()): Promise<RunRecord[]> {
  const names = (await keys<string>(db)).filter((k) => k.startsWith('run:'));
  const runs = (await getMany<RunRecord>(names, db)).filter((r): r is RunRecord => Boolean(r));
  return runs.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** One transaction over the record and its model: a delete cut off by a reload or a crash leaves both or neither. */
export async function deleteRun(id: string, db = store()): Promise<void> {
  await delMany([`run:${id}`, `model:${id}`], db);
}

/** The bytes of a run's stored weights (the storage panel's figure; the record itself is small). */
export async function runWeightBytes(id: string, db = store()): Promise<number> {
  return (await get<ModelFiles>(`model:${id}`, db))?.weightData.byteLength ?? 0;
}

/** A zip with record.json and the TensorFlow.js model (model.json + weights.bin), loadable by tf.loadLayersModel. */
export async function runArchive(record: RunRecord, db = store()): Promise<Uint8Array> {
  const model = await get<ModelFiles>(`model:${record.id}`, db);
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

/**
 * Random-forest runs live in the same store under keys of their own (forest-run:, forest:), so the MLP run list,
 * the session record and the report keep seeing MLP runs only. The forest is its flat typed arrays, stored as is.
 */
export interface ForestRunRecord extends RunIdentity {
  result: ForestResult;
}

export async function saveForestRun(record: ForestRunRecord, forest: Forest, db = store()): Promise<void> {
  await withQuotaMessage('the forest', () => setMany([[`forest:${record.id}`, forest], [`forest-run:${record.id}`, record]], db));
}

export async function listForestRuns(db = store()): Promise<ForestRunRecord[]> {
  const names = (await keys<string>(db)).filter((k) => k.startsWith('forest-run:'));
  const runs = (await getMany<ForestRunRecord>(names, db)).filter((r): r is ForestRunRecord => Boolean(r));
  return runs.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function loadForest(id: string, db = store()): Promise<Forest | undefined> {
  return get<Forest>(`forest:${id}`, db);
}

/** One transaction, as deleteRun: never a forest without its record, or the reverse. */
export async function deleteForestRun(id: string, db = store()): Promise<void> {
  await delMany([`forest-run:${id}`, `forest:${id}`], db);
}
