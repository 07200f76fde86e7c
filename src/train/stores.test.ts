/**
 * The train stores over the job runner, with a fake train worker: the test decides when progress arrives and when
 * a job ends, fails or crashes; promises are flushed deterministically (no sleeps, no real timers).
 */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SectionStatus } from '../lib/sectionStatus';
import { CancelledError } from '../lib/rpc';
import { listResults } from '../lib/resultRecords';
import { currentResultsTable } from '../results/resultsInputs';
import { evaluate } from '../lib/metrics';
import type { SweepRow } from './sweep';
import type { ForestRunRecord } from './types';

interface FakeCall {
  method: string;
  input: { jobId: string } & Record<string, unknown>;
  onProgress?: (p: unknown) => void;
  resolve(value: unknown): void;
  reject(error: Error): void;
}
const calls: FakeCall[] = [];
const paused: [string, boolean][] = [];
function fakeMethod(method: string) {
  return (input: FakeCall['input'], options: { signal?: AbortSignal; onProgress?: (p: unknown) => void } = {}) =>
    new Promise((resolve, reject) => {
      calls.push({ method, input, onProgress: options.onProgress, resolve, reject });
      options.signal?.addEventListener('abort', () => reject(new CancelledError()));
    });
}
vi.mock('./trainWorker', () => ({
  trainWorker: () => ({
    train: fakeMethod('train'),
    sweep: fakeMethod('sweep'),
    backend: async () => 'cpu',
    setPaused: async ({ jobId, paused: p }: { jobId: string; paused: boolean }) => void paused.push([jobId, p]),
  }),
}));
const input = { current: { ok: true, datasetId: 'd1', datasetName: 'fer2013-mini.zip', features: { kind: 'raw-pixels' } } as unknown };
vi.mock('./trainingInput', () => ({ trainingInput: async () => input.current }));

const { useForestStore } = await import('./forestStore');
const { useSweepStore } = await import('./sweepStore');
const { useTrainStore } = await import('./store');

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

function forestRun(id: string, accuracy: number): ForestRunRecord {
  const truth = [0, 1, 2, 3];
  const predicted = accuracy === 1 ? truth : [0, 1, 2, 0];
  return {
    id,
    createdAt: `2026-11-30T10:00:0${id.length}Z`,
    datasetId: 'd1',
    datasetName: 'fer2013-mini.zip',
    featureKind: 'raw-pixels',
    result: {
      classifier: 'forest',
      features: 'raw pixels (2,304 values, 0-1)',
      settings: { ...useForestStore.getState().settings, trees: 8 },
      trainAccuracy: 1,
      test: evaluate(truth, predicted, 7),
      publicTest: { accuracy: 1, count: 2 },
      privateTest: { accuracy: 1, count: 2 },
      clean: { accuracy: 1, count: 4 },
      trainCount: 10,
      testPredictions: { indices: new Uint32Array(), truth: new Uint8Array(), predicted: new Uint8Array(), probability: new Float32Array() },
      seconds: 1.5,
      oobAccuracy: 0.5,
      binningSeconds: 0.1,
      msPerTree: [10, 20, 30],
      nodeCount: 99,
      meanDepth: 4,
      storedBytes: 1000,
      testAccuracyBySize: [{ trees: 8, accuracy }],
    },
  };
}

/** The raw-pixels × forest cell of the Results table, as the stores hold it now. */
const rawForestCell = () => currentResultsTable().rows.find((r) => r.id === 'raw-pixels')!.cells.find((c) => c.column === 'forest')!;

beforeEach(() => {
  calls.length = 0;
  paused.length = 0;
});

describe('forest store over the job runner', () => {
  it('shows trees with rate and ETA, ends with the run in Results, and ignores a late tree update', async () => {
    const store = useForestStore;
    const training = store.getState().train();
    await flush();
    const call = calls.at(-1)!;
    expect(call).toMatchObject({ method: 'train', input: { classifier: 'forest', datasetId: 'd1' } });
    call.onProgress!({ type: 'stage', message: 'Binning…' });
    expect(store.getState().status).toEqual({ kind: 'working', message: 'Binning…' });
    call.onProgress!({ type: 'tree', done: 3, total: 100, ms: 12 });
    expect(store.getState().status).toMatchObject({ kind: 'working', message: expect.stringMatching(/^Tree 3 of 100 \(48 of 2304 features per split\)/), progress: { done: 3, total: 100 } });

    call.resolve(forestRun('f1', 0.75));
    await training;
    call.onProgress!({ type: 'tree', done: 100, total: 100, ms: 12 });
    expect(store.getState().status).toMatchObject({ kind: 'done', message: expect.stringMatching(/^Grew 8 trees/) });
    expect(store.getState().runs.map((r) => r.id)).toEqual(['f1']);
    expect(rawForestCell()).toMatchObject({ test: 0.75, settings: expect.stringMatching(/^random forest, 8 trees.*0\.02 s per tree$/) });
  });

  it('a crashed worker is an error with Try again; the retry grows the forest again', async () => {
    const store = useForestStore;
    const training = store.getState().train();
    await flush();
    calls.at(-1)!.reject(new Error('The train worker crashed'));
    await training;
    const status = store.getState().status as Extract<SectionStatus, { kind: 'error' }>;
    expect(status).toMatchObject({ kind: 'error', message: 'The train worker crashed', retry: { label: 'Try again' } });
    status.retry!.action();
    await flush();
    expect(calls).toHaveLength(2);
    calls[1].resolve(forestRun('f22', 1));
    await flush();
    expect(store.getState().status.kind).toBe('done');
    expect(rawForestCell().test).toBe(1);
  });

  it('pauses by job id, cancels with nothing saved, and a failed training input is an error with Try again', async () => {
    const store = useForestStore;
    const training = store.getState().train();
    await flush();
    await store.getState().togglePause();
    expect(paused).toEqual([[calls.at(-1)!.input.jobId, true]]);
    expect(store.getState().paused).toBe(true);
    store.getState().stop();
    await training;
    expect(store.getState()).toMatchObject({ paused: false, status: { kind: 'empty', message: 'The forest was cancelled; nothing of it was saved.' } });

    input.current = { ok: false, message: 'CLIP failed to load: offline' };
    await store.getState().train();
    expect(store.getState().status).toMatchObject({ kind: 'error', message: 'CLIP failed to load: offline', retry: { label: 'Try again' } });
    input.current = { ok: true, datasetId: 'd1', datasetName: 'fer2013-mini.zip', features: { kind: 'raw-pixels' } };
  });

  it('deleting the latest run puts the run before it back into its Results row', async () => {
    const store = useForestStore;
    expect(store.getState().runs.map((r) => r.id)).toEqual(['f1', 'f22']);
    await store.getState().removeRun('f22');
    expect(rawForestCell().test).toBe(0.75);
    await store.getState().removeRun('f1');
    expect(rawForestCell().test).toBeUndefined();
  });
});

describe('MLP store over the job runner', () => {
  it('draws batches and epochs live, then keeps the run; progress after the outcome is dropped', async () => {
    const store = useTrainStore;
    const training = store.getState().train();
    await flush();
    const call = calls.at(-1)!;
    expect(call.input).toMatchObject({ classifier: 'mlp' });
    call.onProgress!({ type: 'batch', epoch: 1, batch: 5, batches: 10, loss: 2 });
    expect(store.getState().status).toMatchObject({ kind: 'working', message: `Epoch 1 of ${store.getState().settings.epochs} · batch 5 / 10 · loss 2.000` });
    call.onProgress!({ type: 'epoch', epoch: 1, loss: 1.9, acc: 0.3, valLoss: 1.8, valAcc: 0.3 });
    expect(store.getState().history).toHaveLength(1);
    call.reject(new CancelledError());
    await training;
    call.onProgress!({ type: 'batch', epoch: 2, batch: 1, batches: 10, loss: 1 });
    expect(store.getState().status).toEqual({ kind: 'empty', message: 'Training was stopped before its first epoch ended.' });
  });

  it('shows the time per epoch and the ETA while it trains', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const store = useTrainStore;
      store.getState().setSettings({ epochs: 10 });
      const training = store.getState().train();
      await flush();
      const call = calls.at(-1)!;
      call.onProgress!({ type: 'batch', epoch: 1, batch: 5, batches: 10, loss: 2 });
      vi.advanceTimersByTime(3000);
      // Half an epoch more in 3 s: 6 s an epoch, 9 epochs left.
      call.onProgress!({ type: 'batch', epoch: 1, batch: 10, batches: 10, loss: 2 });
      expect(store.getState().status).toMatchObject({ kind: 'working', message: 'Epoch 1 of 10 · batch 10 / 10 · loss 2.000 · 6.0 s per epoch · ETA 54 s' });
      call.reject(new CancelledError());
      await training;
    } finally {
      vi.useRealTimers();
    }
  });

  it('after a reload offers the stored checkpoint, and Continue goes on from it with its own settings and features', async () => {
    const { saveCheckpoint, getCheckpoint } = await import('./runs');
    const { DEFAULT_MLP } = await import('./mlpSettings');
    const settings = { ...DEFAULT_MLP, epochs: 6, seed: 5 };
    await saveCheckpoint({ key: 'mlp-job', classifier: 'mlp', datasetId: 'd1', datasetName: 'fer2013-mini.zip', features: { kind: 'raw-pixels' }, settings, epoch: 2, engine: 'wasm-kernel', savedAt: '2026-11-30T12:00:00Z' }, { any: 'state' });
    vi.resetModules();
    const fresh = (await import('./store')).useTrainStore;
    await fresh.getState().init();
    expect(fresh.getState().checkpoint).toMatchObject({ key: 'mlp-job', epoch: 2 });
    const continuing = fresh.getState().continueRun();
    await vi.waitFor(() => expect(calls.at(-1)?.input).toMatchObject({ classifier: 'mlp', checkpoint: 'mlp-job', settings, features: { kind: 'raw-pixels' }, datasetId: 'd1' }));
    expect(fresh.getState()).toMatchObject({ checkpoint: undefined, settings, features: 'raw-pixels' });
    const call = calls.at(-1)!;
    call.onProgress!({ type: 'resumed', history: [{ epoch: 1 }, { epoch: 2 }] });
    call.onProgress!({ type: 'checkpoint', epoch: 3 });
    expect(fresh.getState()).toMatchObject({ history: [{ epoch: 1 }, { epoch: 2 }], checkpointNote: 'Checkpoint stored after epoch 3: a reload can continue from it.' });
    call.reject(new CancelledError());
    await continuing;
    // The page never deletes a checkpoint it continues (the worker does, with the saved run or on cancel).
    expect(await getCheckpoint('mlp-job')).toBeDefined();
  });
});

describe('sweep store', () => {
  const sweepRow = (index: number, valAccuracy: number): SweepRow => ({ index, hidden: [16 * (index + 1)], learningRate: 0.001, dropout: 0.2, valAccuracy, trainAccuracy: 0.9, testAccuracy: 0.5, epochs: 3, bestEpoch: 2, seconds: 1 });

  it('names a bad grid entry without a retry, stores the table row by row and restores it', async () => {
    const store = useSweepStore;
    store.getState().setGrid({ hidden: '16; 32', learningRates: '0.001', dropouts: '0.2, 2' });
    await store.getState().run();
    expect(store.getState().status).toEqual({ kind: 'error', message: 'Sweep dropouts: "2" is not from 0 to below 1' });
    expect(calls).toHaveLength(0);

    store.getState().setGrid({ dropouts: '0.2' });
    const sweeping = store.getState().run();
    await flush();
    const call = calls.at(-1)!;
    expect((call.input.configs as unknown[]).length).toBe(2);
    call.onProgress!({ type: 'row', row: sweepRow(0, 0.4) });
    await flush();
    expect((await listResults('sweep')).map((r) => (r.value as { rows: unknown[] }).rows.length)).toEqual([1]);
    call.onProgress!({ type: 'row', row: sweepRow(1, 0.6) });
    call.resolve([sweepRow(0, 0.4), sweepRow(1, 0.6)]);
    await sweeping;
    await flush();
    expect(store.getState().status).toEqual({ kind: 'done', message: 'Swept 2 configurations on raw pixels; best validation accuracy 60.00% (32, lr 0.001, dropout 0.2).' });
    const stored = await listResults('sweep');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ kind: 'sweep', datasetId: 'd1', value: { complete: true, rows: [{ index: 0 }, { index: 1 }] } });

    // After a reload: a fresh store reads the stored table.
    vi.resetModules();
    const fresh = (await import('./sweepStore')).useSweepStore;
    await fresh.getState().init();
    expect(fresh.getState()).toMatchObject({ rows: [{ index: 0 }, { index: 1 }], trainedOn: 'raw pixels', status: { kind: 'done', message: expect.stringMatching(/^Restored: Swept 2 configurations/) } });
    await fresh.getState().remove(stored[0].id);
    expect(await listResults('sweep')).toHaveLength(0);
  });
});
