import 'fake-indexeddb/auto';
import { createStore, keys, type UseStore } from 'idb-keyval';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { faultyStore } from '../lib/faultyStore';
import { gaussianBlobs } from './gaussianBlobs';
import { checkpointSlot, type CheckpointIdentity } from './checkpoints';
import { mlpClassifier, type MlpCheckpointState, type MlpProgress } from './classifiers/mlp';
import type { CheckpointSlot } from './classifiers/types';
import { DEFAULT_MLP, type MlpSettings } from './mlpSettings';
import { CancelledError } from '../lib/rpc';
import { trainAndSave, type SavedRunJob } from './classifierRun';
import { getCheckpoint, getClassifierModel, listCheckpoints, listRuns, saveClassifierRun, type ModelFiles, type RunRecord } from './runs';
import type { TrainingData } from './trainingData';

// TensorFlow.js's WASM backend cannot find its .wasm file under Node (no bundler): the CPU backend, set below, is
// the one in use. The MLP trains on the WASM kernel either way; TensorFlow.js only builds the model around it.
vi.mock('./tfBackend', async (original) => ({
  ...(await original<typeof import('./tfBackend')>()),
  tfBackend: async () => tf.getBackend(),
  trainerName: async () => (await (await import('./kernel/kernel')).sharedKernel())?.describe() ?? tf.getBackend(),
}));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Seven overlapping Gaussian blobs in 12 dimensions. */
const blobs = (perClass: number, dim = 12, seed = 5) => gaussianBlobs(perClass, { dim, seed, spread: 4, noise: 2 });

const settings: MlpSettings = { ...DEFAULT_MLP, hidden: [24], dropout: 0.3, batchSize: 16, epochs: 5, patience: 0, lrDecay: 0.9, seed: 9 };
let stores = 0;
const freshStore = () => createStore(`checkpoints-${stores++}`, 'runs');
const identity = (key: string, s: MlpSettings = settings): CheckpointIdentity => ({ key, classifier: 'mlp', datasetId: 'd', datasetName: 'faces.zip', features: { kind: 'raw-pixels' }, settings: s });
/** The model's weights as bytes: equal means bit for bit. */
const weightBytes = (model: tf.LayersModel) => model.getWeights().map((w) => new Uint8Array((w.dataSync() as Float32Array).slice().buffer));

/**
 * Trains through the classifier entry with a checkpoint slot. `stopAfter`: once the checkpoint of that epoch is
 * stored, the job is cut off as a reload would cut it (the next batch sees the abort; nothing later is stored).
 */
async function trainWithSlot(data: TrainingData, slot: CheckpointSlot, stopAfter?: number) {
  const controller = new AbortController();
  const updates: MlpProgress[] = [];
  let heldAt: number | undefined;
  let release: (() => void) | undefined;
  const trained = await mlpClassifier.train(data, settings, {
    signal: controller.signal,
    // The gate runs before every batch: after epoch `stopAfter` it waits until that epoch's checkpoint is stored.
    gate: () => (heldAt === undefined ? Promise.resolve() : new Promise<void>((resolve) => (release = resolve))),
    progress: (u) => {
      const p = u as MlpProgress;
      updates.push(p);
      if (p.type === 'epoch' && p.epoch === stopAfter) heldAt = p.epoch;
      if (p.type === 'checkpoint' && p.epoch === stopAfter) {
        controller.abort();
        heldAt = undefined;
        release?.();
      }
    },
    checkpoints: slot,
  });
  return { ...trained, updates };
}

describe('MLP checkpoints in storage', () => {
  it('a run cut off after epoch 2 and continued from its stored checkpoint ends with the uninterrupted run’s weights, bit for bit', async () => {
    const data = blobs(20);
    const db = freshStore();
    const straight = await trainWithSlot(data, checkpointSlot(identity('straight'), db));
    expect(straight.details.history).toHaveLength(5);
    expect(straight.updates.filter((u) => u.type === 'checkpoint').map((u) => (u as { epoch: number }).epoch).at(-1)).toBe(5);

    const cut = await trainWithSlot(data, checkpointSlot(identity('cut'), db), 2);
    expect(cut.details.history.length).toBe(2);
    cut.model.dispose();
    const stored = await getCheckpoint<MlpCheckpointState>('cut', db);
    expect(stored?.info).toMatchObject({ epoch: 2, classifier: 'mlp', datasetId: 'd', settings });
    expect(stored?.state.kernel.history).toHaveLength(2);

    // After the "reload": a new slot under the same key, as the page's Continue asks for it.
    const resumed = await trainWithSlot(data, checkpointSlot(identity('cut'), db));
    expect(resumed.updates[0]).toMatchObject({ type: 'resumed' });
    expect(resumed.details.resumedFrom).toBe(2);
    expect(resumed.details.secondsBeforeResume).toBeGreaterThan(0);
    expect(resumed.details.history).toEqual(straight.details.history);
    expect(resumed.details.bestEpoch).toBe(straight.details.bestEpoch);
    expect(weightBytes(resumed.model)).toEqual(weightBytes(straight.model));

    // The check can fail: the same run started over from epoch 2's weights without the rest of the state differs.
    const state = stored!.state;
    const db2 = freshStore();
    const withoutMoments = { ...state, kernel: { ...state.kernel, secondMoments: state.kernel.secondMoments.map((m) => m.map(() => 0)) } };
    await checkpointSlot(identity('broken'), db2).save(withoutMoments, 2, 'test');
    const wrong = await trainWithSlot(data, checkpointSlot(identity('broken'), db2));
    expect(weightBytes(wrong.model)).not.toEqual(weightBytes(straight.model));
    [straight.model, resumed.model, wrong.model].forEach((m) => m.dispose());
  });

  it('refuses a checkpoint made for other settings or on other data, saying why', async () => {
    const data = blobs(20);
    const db = freshStore();
    const cut = await trainWithSlot(data, checkpointSlot(identity('run'), db), 1);
    cut.model.dispose();
    await expect(checkpointSlot(identity('run', { ...settings, seed: 10 }), db).load()).rejects.toThrow(/checkpoint of epoch 1 was made for other data or settings/);
    // Settings read back with their fields in another order are the same settings.
    const reordered = Object.fromEntries(Object.entries(settings).reverse()) as unknown as MlpSettings;
    expect((await checkpointSlot(identity('run', reordered), db).load())?.epoch).toBe(1);
    const fewer = { ...data, rows: data.rows.slice(1), train: data.train.slice(1) };
    await expect(mlpClassifier.train(fewer, settings, { signal: new AbortController().signal, gate: () => Promise.resolve(), progress: () => {}, checkpoints: checkpointSlot(identity('run'), db) })).rejects.toThrow(
      /features of this dataset changed since the checkpoint of epoch 1/,
    );
  });

  it('writes one checkpoint at a time, the newest: states overtaken while waiting are never written', async () => {
    const db = freshStore();
    const slot = checkpointSlot<{ n: number }>(identity('k'), db);
    const written = await Promise.all([slot.save({ n: 1 }, 1, 'e'), slot.save({ n: 2 }, 2, 'e'), slot.save({ n: 3 }, 3, 'e')]);
    expect(written).toEqual([false, false, true]);
    expect((await getCheckpoint('k', db))?.state).toEqual({ n: 3 });
    expect((await listCheckpoints(db)).map((c) => [c.key, c.epoch])).toEqual([['k', 3]]);
  });

  it('saving the run drops its checkpoint in the same transaction: a failed save keeps both as they were', async () => {
    const base = freshStore();
    await checkpointSlot<{ n: number }>(identity('job'), base).save({ n: 1 }, 1, 'e');
    const record = { id: 'r1', createdAt: '2026-11-30T12:00:00Z', datasetId: 'd', datasetName: 'faces.zip', featureKind: 'raw-pixels' } as unknown as RunRecord;
    const model = { modelTopology: {}, weightSpecs: [], weightData: new Float32Array([1, 2]).buffer };
    for (const atWrite of [1, 2, 3]) {
      const faulty = faultyStore(base, { atWrite, kind: 'quota' });
      await expect(saveClassifierRun(mlpClassifier.storage, record, model, faulty.store, { dropCheckpoint: 'job' })).rejects.toThrow(/storage is full/);
      expect(await listRuns(base)).toEqual([]);
      expect((await getCheckpoint('job', base))?.info.epoch).toBe(1);
    }
    await saveClassifierRun(mlpClassifier.storage, record, model, base, { dropCheckpoint: 'job' });
    expect((await listRuns(base)).map((r) => r.id)).toEqual(['r1']);
    expect(await getCheckpoint('job', base)).toBeUndefined();
    expect((await keys<string>(base as UseStore)).sort()).toEqual(['model:r1', 'run:r1']);
  });
});

describe('the train job with checkpoints (trainAndSave, as the train worker runs it)', () => {
  const job = (checkpoint: string): SavedRunJob => ({ classifier: 'mlp', datasetId: 'd', datasetName: 'faces.zip', features: { kind: 'raw-pixels' }, settings, checkpoint });
  const ctx = () => ({ signal: new AbortController().signal, gate: () => Promise.resolve(), progress: () => {} });

  it('saves a continued run with the stored weights of an uninterrupted one, bit for bit, and drops its checkpoint', async () => {
    const data = blobs(20);
    const db = freshStore();
    const load = async () => data;
    const straight = await trainAndSave(mlpClassifier, job('a'), ctx(), { load, db });
    const cut = await trainWithSlot(data, checkpointSlot(identity('b'), db), 3);
    cut.model.dispose();
    const resumed = await trainAndSave(mlpClassifier, job('b'), ctx(), { load, db });
    expect((resumed as RunRecord).result.resumedFrom).toBe(3);
    const weights = async (id: string) => new Uint8Array((await getClassifierModel<ModelFiles>(mlpClassifier.storage, id, db))!.weightData);
    expect(await weights(resumed.id)).toEqual(await weights(straight.id));
    expect((resumed as RunRecord).result.history).toEqual((straight as RunRecord).result.history);
    expect((await listRuns(db)).length).toBe(2);
    expect(await listCheckpoints(db)).toEqual([]);
  });

  it('a cancel drops the job’s checkpoint; a failure keeps it for Try again', async () => {
    const db = freshStore();
    await checkpointSlot(identity('c'), db).save({ n: 1 }, 1, 'e');
    const failing = async () => {
      throw new Error('The dataset is no longer stored: import it again');
    };
    await expect(trainAndSave(mlpClassifier, job('c'), ctx(), { load: failing, db })).rejects.toThrow(/no longer stored/);
    expect((await getCheckpoint('c', db))?.info.epoch).toBe(1);
    const cancelled = async () => {
      throw new CancelledError();
    };
    await expect(trainAndSave(mlpClassifier, job('c'), ctx(), { load: cancelled, db })).rejects.toBeInstanceOf(CancelledError);
    expect(await getCheckpoint('c', db)).toBeUndefined();
    expect(await keys(db)).toEqual([]);
  });
});
