/**
 * The notebook's session survives a reload or a browser restart. Stored data (datasets, embeddings, runs, model
 * files) already lives in IndexedDB and Cache Storage; this keeps the rest:
 * - each section's settings (model source and precision, prompts, training settings, ...), saved in localStorage
 *   as they change and put back at start-up, from outside the stores, so a store only lists which fields count;
 * - a journal of long work in progress: a section that is working is written down, and cleared when it stops. A
 *   journal entry found at start-up is work a reload or a crash cut off; the page says so, and that what it had
 *   finished is kept, instead of silently forgetting it;
 * - whether CLIP was loaded, so it loads again (from Cache Storage) and embedding can continue at once.
 */
import type { StoreApi, UseBoundStore } from 'zustand';
import type { SectionStatus } from '../lib/sectionStatus';

const PREFIX = 'facet.session.';

function read<T>(key: string): T | undefined {
  try {
    const text = localStorage.getItem(PREFIX + key);
    return text === null ? undefined : (JSON.parse(text) as T);
  } catch {
    return undefined; // a damaged entry is ignored, never fatal
  }
}

function write(key: string, value: unknown): void {
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // Settings are a convenience: a full or disabled localStorage must not break the notebook.
  }
}

/** Restores `fields` of a store from the last session, then saves them whenever they change. */
export function persistFields<S extends object>(key: string, store: UseBoundStore<StoreApi<S>>, fields: readonly (keyof S)[]): () => void {
  const saved = read<Partial<S>>(key);
  if (saved) {
    const known = Object.fromEntries(fields.filter((f) => f in saved).map((f) => [f, saved[f]])) as Partial<S>;
    store.setState(known);
  }
  const pick = (state: S) => Object.fromEntries(fields.map((f) => [f, state[f]]));
  let last = JSON.stringify(pick(store.getState()));
  return store.subscribe((state) => {
    const next = JSON.stringify(pick(state));
    if (next !== last) {
      last = next;
      write(key, JSON.parse(next));
    }
  });
}

export interface InterruptedJob {
  section: string;
  /** the last progress message before the page went away */
  message: string;
  since: string;
}

/** Work the last session was doing when it ended; read once, before this session's work is journaled. */
export function interruptedJobs(): InterruptedJob[] {
  const journal = read<Record<string, InterruptedJob>>('running') ?? {};
  return Object.values(journal);
}

/** Journals `section` while its status is 'working'. */
export function journalWork<S extends { status: SectionStatus }>(section: string, store: UseBoundStore<StoreApi<S>>): () => void {
  let wasWorking = false;
  let since = '';
  return store.subscribe((state) => {
    const journal = read<Record<string, InterruptedJob>>('running') ?? {};
    if (state.status.kind === 'working') {
      if (!wasWorking) since = new Date().toISOString();
      wasWorking = true;
      journal[section] = { section, message: state.status.message, since };
    } else if (wasWorking) {
      wasWorking = false;
      delete journal[section];
    } else return;
    write('running', journal);
  });
}

/** Forgets the last session's interrupted work (once the page has told the user about it). */
export function clearInterrupted(sections: readonly string[]): void {
  const journal = read<Record<string, InterruptedJob>>('running') ?? {};
  for (const section of sections) delete journal[section];
  write('running', journal);
}

export const sessionFlag = {
  get: (name: string) => read<boolean>(`flag.${name}`) ?? false,
  set: (name: string, value: boolean) => write(`flag.${name}`, value),
};
