import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { describe, expect, it, vi } from 'vitest';
import { deleteResult, listResults, onResultsChanged, recordBytes, saveResult, type ResultRecord } from './resultRecords';

let n = 0;
const fresh = () => createStore(`results-${n++}`, 'records');
const record = (kind: string, id: string, createdAt: string, value: unknown = {}): ResultRecord => ({ kind, id, datasetId: 'd', createdAt, title: `${kind} ${id}`, value });

describe('stored results', () => {
  it('list per kind, oldest first; a record saved again replaces the old one; deletion is per record', async () => {
    const db = fresh();
    await saveResult(record('zero-shot', 'b', '2026-11-30T10:00:00Z'), db);
    await saveResult(record('zero-shot', 'a', '2026-11-30T09:00:00Z'), db);
    await saveResult(record('sweep', 'a', '2026-11-30T08:00:00Z', { rows: [1] }), db);
    await saveResult(record('zero-shot', 'b', '2026-11-30T11:00:00Z', { replaced: true }), db);
    expect((await listResults('zero-shot', db)).map((r) => [r.id, r.value])).toEqual([
      ['a', {}],
      ['b', { replaced: true }],
    ]);
    expect((await listResults(undefined, db)).map((r) => `${r.kind}:${r.id}`)).toEqual(['sweep:a', 'zero-shot:a', 'zero-shot:b']);
    await deleteResult('zero-shot', 'a', db);
    expect((await listResults(undefined, db)).map((r) => `${r.kind}:${r.id}`)).toEqual(['sweep:a', 'zero-shot:b']);
  });

  it('keep typed arrays as typed arrays, count their bytes, and tell listeners of every change', async () => {
    const db = fresh();
    const changed = vi.fn();
    const stop = onResultsChanged(changed);
    const vectors = new Float32Array([1, 2, 3, 4]);
    await saveResult(record('map', 'm', '2026-11-30T08:00:00Z', { xy: vectors }), db);
    const [stored] = await listResults<{ xy: Float32Array }>('map', db);
    expect(stored.value.xy).toBeInstanceOf(Float32Array);
    expect(Array.from(stored.value.xy)).toEqual([1, 2, 3, 4]);
    expect(recordBytes(stored)).toBeGreaterThanOrEqual(16);
    await deleteResult('map', 'm', db);
    expect(changed).toHaveBeenCalledTimes(2);
    stop();
  });
});
