import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FOREST, predictForest, trainForest } from './forest';
import type { ForestResult } from './types';
import { deleteForestRun, listForestRuns, listRuns, loadForest, saveForestRun, saveRun, type ForestRunRecord, type RunRecord } from './runs';

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
