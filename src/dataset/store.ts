/** Dataset section state: the stored datasets, the active one, and the import in progress. */
import { create } from 'zustand';
import { empty, type SectionStatus } from '../lib/sectionStatus';
import { useStatusStore } from '../app/statusStore';
import { isCancelled } from '../lib/rpc';
import { announceChange, onOtherTabChange } from '../lib/tabs';
import type { FaceSetManifest } from './faceSet';
import { startIngestWorker, type IngestWorker } from './ingestWorker';
import { listManifests } from './storage';

const ACTIVE_KEY = 'facet.activeDataset';

interface DatasetState {
  datasets: FaceSetManifest[];
  activeId?: string;
  status: SectionStatus;
  /** bumps when stored data changes, so views re-read faces */
  revision: number;
  init(): Promise<void>;
  /** re-reads the stored datasets (another tab imported or deleted one) */
  refresh(): Promise<void>;
  importFile(file: File): Promise<void>;
  cancel(): void;
  select(id: string): void;
  remove(id: string): Promise<void>;
}

let worker: IngestWorker | undefined;
const ingestWorker = () => (worker && !worker.crashed ? worker : (worker = startIngestWorker()));
let running: AbortController | undefined;

export const activeManifest = (s: Pick<DatasetState, 'datasets' | 'activeId'>) => s.datasets.find((d) => d.id === s.activeId);

const readyMessage = (m: FaceSetManifest) =>
  `${m.name}: ${m.count.toLocaleString('en-US')} faces (train ${m.counts.train.reduce((a, b) => a + b, 0).toLocaleString('en-US')}, ` +
  `test ${m.counts.test.reduce((a, b) => a + b, 0).toLocaleString('en-US')}) kept in this browser.`;

export const useDatasetStore = create<DatasetState>((set, get) => ({
  datasets: [],
  status: empty('No dataset yet. Import FER2013: Kaggle’s zip of train/ and test/ emotion folders, or fer2013.csv. It is decoded in this browser and kept in its storage; nothing is uploaded.'),
  revision: 0,

  async init() {
    // Imports interrupted by a closed tab leave records without a manifest: remove them before listing.
    await ingestWorker().removeOrphans(undefined).catch(() => []);
    onOtherTabChange('datasets', () => void get().refresh());
    const datasets = await listManifests();
    const saved = localStorage.getItem(ACTIVE_KEY);
    const activeId = datasets.find((d) => d.id === saved)?.id ?? datasets.at(-1)?.id;
    const active = datasets.find((d) => d.id === activeId);
    set({ datasets, activeId, ...(active ? { status: { kind: 'done', message: readyMessage(active) } } : {}) });
  },

  async refresh() {
    const datasets = await listManifests();
    const activeId = datasets.some((d) => d.id === get().activeId) ? get().activeId : datasets.at(-1)?.id;
    const active = datasets.find((d) => d.id === activeId);
    if (activeId !== get().activeId) {
      set({ status: active ? { kind: 'done', message: `The dataset shown was deleted in another tab. ${readyMessage(active)}` } : empty('The dataset was deleted in another tab. No dataset is stored now.') });
    }
    set((s) => ({ datasets, activeId, revision: s.revision + 1 }));
  },

  async importFile(file) {
    running?.abort();
    const controller = new AbortController();
    running = controller;
    set({ status: { kind: 'working', message: `Reading ${file.name}…`, percent: 0 } });
    try {
      const { manifest, existing } = await ingestWorker().ingest(
        { file },
        {
          signal: controller.signal,
          onProgress: (p) => set({ status: { kind: 'working', message: p.message, percent: (100 * p.bytesRead) / p.totalBytes } }),
        },
      );
      if (!existing) announceChange('datasets');
      const datasets = await listManifests();
      localStorage.setItem(ACTIVE_KEY, manifest.id);
      set((s) => ({
        datasets,
        activeId: manifest.id,
        revision: s.revision + 1,
        status: { kind: 'done', message: existing ? `Already imported: ${readyMessage(manifest)}` : `Imported ${readyMessage(manifest)}` },
      }));
    } catch (error) {
      const active = activeManifest(get());
      const message = isCancelled(error) ? `Import of ${file.name} cancelled; nothing of it was kept.` : (error as Error).message;
      set({
        status: isCancelled(error) && active ? { kind: 'done', message: `${message} ${readyMessage(active)}` } : { kind: isCancelled(error) ? 'empty' : 'error', message },
      });
    } finally {
      if (running === controller) running = undefined;
      void useStatusStore.getState().refreshStorage();
    }
  },

  cancel() {
    running?.abort();
  },

  select(id) {
    const active = get().datasets.find((d) => d.id === id);
    if (!active) return;
    localStorage.setItem(ACTIVE_KEY, id);
    set({ activeId: id, status: { kind: 'done', message: readyMessage(active) } });
  },

  async remove(id) {
    const name = get().datasets.find((d) => d.id === id)?.name ?? 'dataset';
    await ingestWorker().deleteDataset({ id });
    announceChange('datasets');
    const datasets = await listManifests();
    const activeId = get().activeId === id ? datasets.at(-1)?.id : get().activeId;
    if (activeId) localStorage.setItem(ACTIVE_KEY, activeId);
    else localStorage.removeItem(ACTIVE_KEY);
    const active = datasets.find((d) => d.id === activeId);
    set((s) => ({
      datasets,
      activeId,
      revision: s.revision + 1,
      status: active ? { kind: 'done', message: `Deleted ${name}. ${readyMessage(active)}` } : empty(`Deleted ${name}. No dataset is stored now.`),
    }));
    void useStatusStore.getState().refreshStorage();
  },
}));

export { ingestWorker };
