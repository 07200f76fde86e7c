/**
 * Saved classifier runs (IndexedDB, a store of their own): the record (settings, curves, metrics, data and embedding
 * identity) and the model, so a run survives a reload, can be compared, deleted and downloaded. Each registry entry
 * names its key prefixes (`storage`): MLP runs live under run:/model:, forests under forest-run:/forest:, linear
 * probes under probe-run:/probe:, so one kind's list never holds another's.
 */
import { zipSync, strToU8 } from 'fflate';
import { createStore, delMany, get, getMany, keys, promisifyRequest, setMany, type UseStore } from 'idb-keyval';
import type { Representation } from '../embed/embeddingCache';
import { FACE_AREA } from '../dataset/faceSet';
import { EMOTION_COUNT } from '../lib/emotions';
import { withQuotaMessage } from '../lib/quota';
import type { ClassifierKind } from './classifiers/types';
import type { Forest } from './forest';
import type { MlpSettings } from './mlpSettings';
import type { ClassifierRun, Features, ForestRunRecord, ModelFiles, RunIdentity, RunRecord, ScoredResult } from './types';

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

/**
 * Stores a run and its model; `dropCheckpoint` names the training checkpoint the run came from, deleted in the same
 * transaction: a reload never finds both the saved run and a checkpoint offering to finish it, nor neither.
 */
export async function saveClassifierRun(storage: RunStorage, record: ClassifierRun, model: unknown, db = store(), { dropCheckpoint }: { dropCheckpoint?: string } = {}): Promise<void> {
  // One transaction: a run is never stored without its model, or the reverse.
  await withQuotaMessage(`the ${storage.record === 'run' ? 'run' : storage.model}`, () =>
    db('readwrite', (s) => {
      s.put(model, `${storage.model}:${record.id}`);
      s.put(record, `${storage.record}:${record.id}`);
      if (dropCheckpoint) for (const key of checkpointKeys(dropCheckpoint)) s.delete(key);
      return promisifyRequest(s.transaction);
    }),
  );
}

/**
 * A training checkpoint (MLP runs on the WASM kernel), stored beside the runs under `checkpoint:<key>` (the state:
 * weights, optimizer and generator) and `checkpoint-info:<key>` (this summary, read without the weights). `key`
 * names one training job; each epoch's checkpoint replaces the one before.
 */
export interface CheckpointInfo {
  key: string;
  classifier: ClassifierKind;
  datasetId: string;
  datasetName: string;
  features: Features;
  settings: MlpSettings;
  /** epochs finished, of `settings.epochs` */
  epoch: number;
  /** what trained it, e.g. "wasm-kernel (relaxed SIMD, 2 threads)" */
  engine: string;
  savedAt: string;
}

const checkpointKeys = (key: string) => [`checkpoint-info:${key}`, `checkpoint:${key}`];

/** Stores a checkpoint's summary and state in one transaction: it is there whole or not at all. */
export async function saveCheckpoint(info: CheckpointInfo, state: unknown, db = store()): Promise<void> {
  const [infoKey, stateKey] = checkpointKeys(info.key);
  await withQuotaMessage(`the checkpoint of epoch ${info.epoch}`, () => setMany([[infoKey, info], [stateKey, state]], db));
}

export async function getCheckpoint<C = unknown>(key: string, db = store()): Promise<{ info: CheckpointInfo; state: C } | undefined> {
  const [info, state] = await getMany(checkpointKeys(key), db);
  return info && state ? { info: info as CheckpointInfo, state: state as C } : undefined;
}

/** The stored checkpoints' summaries, oldest first (no weights read). */
export async function listCheckpoints(db = store()): Promise<CheckpointInfo[]> {
  const names = (await keys<string>(db)).filter((k) => k.startsWith('checkpoint-info:'));
  const infos = (await getMany<CheckpointInfo>(names, db)).filter((i): i is CheckpointInfo => Boolean(i));
  return infos.sort((a, b) => a.savedAt.localeCompare(b.savedAt));
}

/**
 * The bytes of a checkpoint's arrays, from its summary (no weights read): weights, Adam's two moments and the best
 * epoch's weights, float32 each.
 */
export function checkpointBytes(info: Pick<CheckpointInfo, 'features' | 'settings'>, classes = EMOTION_COUNT): number {
  const sizes = [info.features.kind === 'clip' ? info.features.rep.dim : FACE_AREA, ...info.settings.hidden, classes];
  let parameters = 0;
  for (let l = 0; l + 1 < sizes.length; l++) parameters += sizes[l] * sizes[l + 1] + sizes[l + 1];
  return 4 * 4 * parameters;
}

/** Deletes checkpoints (summary and state of each) in one transaction. */
export async function deleteCheckpoints(keysToDrop: readonly string[], db = store()): Promise<void> {
  if (keysToDrop.length) await delMany(keysToDrop.flatMap(checkpointKeys), db);
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
