import { beforeEach, describe, expect, it } from 'vitest';
import { create } from 'zustand';
import type { SectionStatus } from '../lib/sectionStatus';
import { clearInterrupted, interruptedJobs, journalWork, persistFields } from './session';

// Node has no localStorage: a Map-backed one with the same interface.
beforeEach(() => {
  const items = new Map<string, string>();
  globalThis.localStorage = {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, String(v)),
    removeItem: (k: string) => void items.delete(k),
    clear: () => items.clear(),
    key: (i: number) => [...items.keys()][i] ?? null,
    get length() {
      return items.size;
    },
  };
});

interface Section {
  status: SectionStatus;
  repo: string;
  batch: number;
  loaded: boolean;
}
const makeStore = () => create<Section>(() => ({ status: { kind: 'empty', message: '' }, repo: 'a/b', batch: 16, loaded: false }));

describe('session', () => {
  it('restores the listed settings after a "reload", and only those', () => {
    const before = makeStore();
    persistFields('embed', before, ['repo', 'batch']);
    before.setState({ repo: 'Xenova/clip-vit-large-patch14', batch: 32, loaded: true });

    const after = makeStore(); // a new page: fresh stores, same localStorage
    persistFields('embed', after, ['repo', 'batch']);
    expect(after.getState()).toMatchObject({ repo: 'Xenova/clip-vit-large-patch14', batch: 32, loaded: false });
  });

  it('ignores a damaged saved entry instead of failing', () => {
    localStorage.setItem('facet.session.embed', '{not json');
    const store = makeStore();
    expect(() => persistFields('embed', store, ['repo'])).not.toThrow();
    expect(store.getState().repo).toBe('a/b');
  });

  it('journals work in progress, so a reload in the middle is reported, and forgets work that ended', () => {
    const embed = makeStore();
    const train = makeStore();
    journalWork('Embed', embed);
    journalWork('Train', train);
    embed.setState({ status: { kind: 'working', message: 'Embedding 1,200 / 35,887' } });
    train.setState({ status: { kind: 'working', message: 'Epoch 3 / 40' } });
    train.setState({ status: { kind: 'done', message: 'Trained' } });
    embed.setState({ status: { kind: 'working', message: 'Embedding 1,300 / 35,887' } });

    const interrupted = interruptedJobs(); // what the next page finds
    expect(interrupted.map((j) => [j.section, j.message])).toEqual([['Embed', 'Embedding 1,300 / 35,887']]);
    clearInterrupted(['Embed']);
    expect(interruptedJobs()).toEqual([]);
  });
});
