import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FOREST, predictForest, trainForest } from './forest';
import type { ForestResult } from './types';
import { faultyStore } from '../lib/faultyStore';
import { deleteForestRun, deleteRun, getRunModel, listForestRuns, listRuns, loadForest, saveForestRun, saveRun, type ForestRunRecord, type RunRecord } from './runs';

let n = 0;
const freshStore = () => createStore(`test-runs-${n++}`, 'runs');

const record = (id: string, createdAt: string): ForestRunRecord => ({
  id,
  createdAt,
  datasetId: 'd',
  datasetName: 'fer2013-mini.zip',
  featureKind: 'raw-pixels',
  result: { classifier: 'forest', settings: DEFAULT_FOREST } as ForestResult,
});

describe('stored forest runs', () => {
  it('round-trip the forest as typed arrays, apart from the MLP runs, and delete whole', async () => {
    const db = freshStore();
    const x = Float32Array.from({ length: 200 * 4 }, (_, i) => ((i * 7919) % 101) / 101);
    const labels = Uint8Array.from({ length: 200 }, (_, i) => (x[i * 4] > 0.5 ? 1 : 0));
    const rows = Array.from({ length: 200 }, (_, i) => i);
    const { forest } = await trainForest(x, 4, labels, rows, 2, { ...DEFAULT_FOREST, trees: 3 });
    await saveForestRun(record('b', '2026-11-25T10:00:00Z'), forest, db);
    await saveForestRun(record('a', '2026-11-25T09:00:00Z'), forest, db);
    await saveRun({ id: 'm', createdAt: '2026-11-25T08:00:00Z' } as RunRecord, { modelTopology: {}, weightSpecs: [], weightData: new ArrayBuffer(4) }, db);

    expect((await listForestRuns(db)).map((r) => r.id)).toEqual(['a', 'b']);
    expect((await listRuns(db)).map((r) => r.id)).toEqual(['m']);
    const loaded = (await loadForest('a', db))!;
    expect(loaded.threshold).toBeInstanceOf(Float32Array);
    expect(predictForest(loaded, x, 4, rows)).toEqual(predictForest(forest, x, 4, rows));

    await deleteForestRun('a', db);
    expect((await listForestRuns(db)).map((r) => r.id)).toEqual(['b']);
    expect(await loadForest('a', db)).toBeUndefined();
  });
});

describe('deleting a run', () => {
  const model = () => ({ modelTopology: {}, weightSpecs: [], weightData: new ArrayBuffer(8) });

  it('is one transaction: cut off after its first delete, it leaves the record and the model, never one of them', async () => {
    for (const kind of ['abort', 'quota'] as const) {
      const base = freshStore();
      await saveRun({ id: 'm', createdAt: '2026-11-25T08:00:00Z' } as RunRecord, model(), base);
      const faulty = faultyStore(base, { atWrite: 1, kind }); // the delete's second request fails
      await expect(deleteRun('m', faulty.store)).rejects.toThrow();
      expect(faulty.fired).toBe(true);
      expect((await listRuns(base)).map((r) => r.id)).toEqual(['m']);
      expect(await getRunModel('m', base)).toBeDefined();
      await deleteRun('m', base); // the retry deletes both
      expect(await listRuns(base)).toEqual([]);
      expect(await getRunModel('m', base)).toBeUndefined();
    }
  });

  it('deletes a forest run and its forest in one transaction too', async () => {
    const base = freshStore();
    const forest = (await trainForest(new Float32Array([0, 1, 0, 1]), 1, new Uint8Array([0, 1, 0, 1]), [0, 1, 2, 3], 2, { ...DEFAULT_FOREST, trees: 1 })).forest;
    await saveForestRun(record('f', '2026-11-25T08:00:00Z'), forest, base);
    await expect(deleteForestRun('f', faultyStore(base, { atWrite: 1 }).store)).rejects.toThrow();
    expect((await listForestRuns(base)).map((r) => r.id)).toEqual(['f']);
    expect(await loadForest('f', base)).toBeDefined();
  });
});
