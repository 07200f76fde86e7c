/**
 * Results that are not training runs (zero-shot scores, sweep tables, maps, studies) as stored records: one
 * IndexedDB store, one record per result, written in one transaction, so a reload restores them and the storage
 * panel can list and delete them. Each capability names its own `kind`; the record's `value` is whatever that
 * capability needs to show the result again (plain data and typed arrays, no class instances).
 */
import { createStore, del, get, getMany, keys, set, type UseStore } from 'idb-keyval';
import { withQuotaMessage } from './quota';
import { announceChange, onOtherTabChange } from './tabs';

export interface ResultRecord<T = unknown> {
  kind: string;
  /** unique within its kind; a record saved again under the same id replaces the old one */
  id: string;
  /** the dataset the result was computed on */
  datasetId: string;
  createdAt: string;
  /** one line for the storage panel: what this is */
  title: string;
  value: T;
}

let defaultStore: UseStore | undefined;
const store = () => (defaultStore ??= createStore('facet-results', 'records'));
const keyOf = (kind: string, id: string) => `${kind}:${id}`;

const listeners = new Set<() => void>();
function changed() {
  listeners.forEach((listener) => listener());
  announceChange('results');
}

/** Calls `handler` whenever a record is saved or deleted, in this tab or another. */
export function onResultsChanged(handler: () => void): () => void {
  listeners.add(handler);
  const stopOther = onOtherTabChange('results', handler);
  return () => {
    listeners.delete(handler);
    stopOther();
  };
}

export async function saveResult<T>(record: ResultRecord<T>, db = store()): Promise<void> {
  await withQuotaMessage(record.title, () => set(keyOf(record.kind, record.id), record, db));
  changed();
}

export const getResult = <T>(kind: string, id: string, db = store()) => get<ResultRecord<T>>(keyOf(kind, id), db);

/** Every record of `kind` (or of every kind), oldest first. */
export async function listResults<T = unknown>(kind?: string, db = store()): Promise<ResultRecord<T>[]> {
  const names = (await keys<string>(db)).filter((k) => kind === undefined || k.startsWith(`${kind}:`));
  const records = (await getMany<ResultRecord<T>>(names, db)).filter((r): r is ResultRecord<T> => Boolean(r));
  return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function deleteResult(kind: string, id: string, db = store()): Promise<void> {
  await del(keyOf(kind, id), db);
  changed();
}

/** A record's approximate size: what its typed arrays hold plus its JSON. */
export function recordBytes(record: ResultRecord): number {
  let bytes = 0;
  const json = JSON.stringify(record, (_, v) => {
    if (ArrayBuffer.isView(v)) {
      bytes += v.byteLength;
      return undefined;
    }
    return v;
  });
  return bytes + json.length;
}
