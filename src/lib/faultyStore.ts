/**
 * Fault injection for IndexedDB writes (tests only): wraps an idb-keyval store so that its n-th write request
 * (put, add, delete or clear, counted across every transaction of the store) fails the way a full disk or a reload
 * fails it: the transaction is aborted, so nothing of it is kept, and the write rejects with the browser's error
 * (a QuotaExceededError DOMException, or an AbortError for an interrupted transaction).
 *
 * Seeded use: pick `atWrite` from `mulberry32(seed)` over the writes a clean run makes (`countWrites`), so a failing
 * case is reproduced by its seed.
 */
import type { UseStore } from 'idb-keyval';

export type WriteFault = 'quota' | 'abort';

export interface FaultyStore {
  store: UseStore;
  /** write requests made so far through the store */
  readonly writes: number;
  /** whether the fault has fired */
  readonly fired: boolean;
}

const WRITES = new Set(['put', 'add', 'delete', 'clear']);

export function faultyStore(base: UseStore, fault: { atWrite: number; kind?: WriteFault } = { atWrite: Infinity }): FaultyStore {
  let writes = 0;
  let fired = false;
  const store: UseStore = (mode, callback) =>
    base(mode, (objectStore) => {
      let injected = false;
      const failure = () =>
        fault.kind === 'abort'
          ? new DOMException('The transaction was aborted (injected fault)', 'AbortError')
          : new DOMException('The quota has been exceeded (injected fault)', 'QuotaExceededError');
      const proxy = new Proxy(objectStore, {
        get(target, prop) {
          const value = Reflect.get(target, prop, target);
          if (typeof value !== 'function') return value;
          if (typeof prop === 'string' && WRITES.has(prop)) {
            return (...args: unknown[]) => {
              if (injected) throw failure(); // the transaction is gone: later requests of it fail at once
              const request = (value as (...a: unknown[]) => IDBRequest).apply(target, args);
              if (writes++ === fault.atWrite) {
                injected = fired = true;
                target.transaction.abort();
              }
              return request;
            };
          }
          return (value as (...a: unknown[]) => unknown).bind(target);
        },
      });
      const rethrow = (error: unknown) => {
        throw injected ? failure() : error;
      };
      try {
        return Promise.resolve(callback(proxy)).catch(rethrow);
      } catch (error) {
        return rethrow(error);
      }
    });
  return {
    store,
    get writes() {
      return writes;
    },
    get fired() {
      return fired;
    },
  };
}
