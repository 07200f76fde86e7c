/**
 * Several tabs of the app share one IndexedDB. Two things keep them from corrupting each other:
 * - Web Locks around work that writes shared records non-idempotently (an import writes chunks that are orphans
 *   until its manifest lands; another tab's start-up cleanup must not remove them meanwhile), held by whoever
 *   writes, tried (never waited for) by whoever would get in the way;
 * - a BroadcastChannel on which a tab announces what it changed, so the others re-read instead of showing stale
 *   lists (a dataset deleted in one tab disappears in the other).
 * Both exist in windows and workers; where a browser lacks them, a tab behaves as if it were alone.
 */

/** What a tab changed in shared storage. */
export type StorageArea = 'datasets' | 'embeddings' | 'runs' | 'models' | 'results';

interface ChangeMessage {
  type: 'changed';
  area: StorageArea;
}

const CHANNEL = 'facet-tabs';
let channel: BroadcastChannel | undefined;
const ownChannel = () => (channel ??= typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(CHANNEL));

/** Tells the other tabs that `area` changed. (A tab does not hear its own messages.) */
export function announceChange(area: StorageArea): void {
  ownChannel()?.postMessage({ type: 'changed', area } satisfies ChangeMessage);
}

/** Calls `handler` when another tab changes `area`; returns the unsubscribe function. */
export function onOtherTabChange(area: StorageArea, handler: () => void): () => void {
  const listener = (event: MessageEvent<ChangeMessage>) => {
    if (event.data?.type === 'changed' && event.data.area === area) handler();
  };
  ownChannel()?.addEventListener('message', listener);
  return () => ownChannel()?.removeEventListener('message', listener);
}

/** The names of the locks, in one place. */
export const LOCKS = {
  /** held while an import writes a dataset, and by the start-up cleanup of interrupted imports */
  datasetWrites: 'facet-dataset-writes',
  /** held while a tab embeds a dataset with a representation */
  embedding: (representationKey: string) => `facet-embedding:${representationKey}`,
  /** held while a tab trains the MLP job whose checkpoints live under `key` */
  training: (key: string) => `facet-training:${key}`,
} as const;

export class LockBusyError extends Error {}

const locks = () => (typeof navigator !== 'undefined' ? navigator.locks : undefined);

/**
 * Runs `work` holding the exclusive lock `name` if no one holds it, else throws a LockBusyError with `busyMessage`
 * (a tab never waits silently behind another one).
 */
export async function withLockOrFail<T>(name: string, busyMessage: string, work: () => Promise<T>): Promise<T> {
  const manager = locks();
  if (!manager) return work();
  let ran = false;
  const result = await manager.request(name, { ifAvailable: true }, async (lock) => {
    if (!lock) return undefined;
    ran = true;
    return work();
  });
  if (!ran) throw new LockBusyError(busyMessage);
  return result as T;
}

/**
 * Runs `work` while holding the exclusive lock `name`, waiting for it; `shared` lets several holders in at once
 * (imports share; the cleanup is exclusive).
 */
export async function withLock<T>(name: string, mode: 'shared' | 'exclusive', work: () => Promise<T>): Promise<T> {
  const manager = locks();
  if (!manager) return work();
  return manager.request(name, { mode }, work) as Promise<T>;
}

/** Runs `work` only if the exclusive lock is free right now; otherwise skips it and returns undefined. */
export async function whenFree<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
  const manager = locks();
  if (!manager) return work();
  return manager.request(name, { ifAvailable: true }, async (lock) => (lock ? work() : undefined)) as Promise<T | undefined>;
}
