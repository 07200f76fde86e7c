/** Storage panel state: what is kept, whether the browser may evict it, and deletions. */
import { create } from 'zustand';
import { useStatusStore } from '../app/statusStore';
import { useDatasetStore } from '../dataset/store';
import { deleteRepresentationKey } from '../embed/embeddingCache';
import { deleteCachedModelFile } from '../embed/modelFiles';
import { useEmbedStore } from '../embed/store';
import { announceChange } from '../lib/tabs';
import { deleteResult } from '../lib/resultRecords';
import type { ClassifierKind } from '../train/classifiers';
import { CLASSIFIER_STORES } from '../train/classifierStores';
import { DATA_EFFICIENCY_KIND } from '../train/dataEfficiency';
import { useDataEfficiencyStore } from '../train/dataEfficiencyStore';
import { useTrainStore } from '../train/store';
import { SWEEP_KIND, useSweepStore } from '../train/sweepStore';
import { storageInventory, type StoredItem } from './storageInventory';

interface StorageState {
  items?: StoredItem[];
  /** true: the browser will not evict Facet's data under storage pressure */
  persisted?: boolean;
  message?: string;
  busy: boolean;
  refresh(): Promise<void>;
  remove(item: StoredItem): Promise<void>;
  requestPersistence(): Promise<void>;
}

export const useStorageStore = create<StorageState>((set, get) => ({
  busy: false,

  async refresh() {
    const [items, persisted] = await Promise.all([storageInventory(), navigator.storage?.persisted?.()]);
    set({ items, persisted });
    void useStatusStore.getState().refreshStorage();
  },

  async remove(item) {
    set({ busy: true, message: undefined });
    try {
      if (item.kind === 'dataset') await useDatasetStore.getState().remove(item.key);
      else if (item.kind.startsWith('run:')) {
        await CLASSIFIER_STORES[item.kind.slice('run:'.length) as ClassifierKind].getState().removeRun(item.key);
      } else if (item.kind === 'checkpoint') {
        await useTrainStore.getState().removeCheckpoint(item.key);
      } else if (item.kind === `result:${SWEEP_KIND}`) {
        await useSweepStore.getState().remove(item.key);
      } else if (item.kind === `result:${DATA_EFFICIENCY_KIND}`) {
        await useDataEfficiencyStore.getState().remove(item.key);
      } else if (item.kind.startsWith('result:')) {
        // deleteResult tells this tab's stores and the other tabs.
        await deleteResult(item.kind.slice('result:'.length), item.key);
      } else if (item.kind === 'embeddings') {
        await deleteRepresentationKey(item.key);
        announceChange('embeddings');
        await useEmbedStore.getState().refreshCoverage();
      } else {
        await deleteCachedModelFile(item.key);
        announceChange('models');
      }
      set({ message: `Deleted ${item.name}.` });
    } catch (error) {
      set({ message: `Could not delete ${item.name}: ${(error as Error).message}` });
    } finally {
      set({ busy: false });
      await get().refresh();
    }
  },

  async requestPersistence() {
    const granted = (await navigator.storage?.persist?.()) ?? false;
    set({
      persisted: granted,
      message: granted
        ? 'This browser will keep Facet’s data under storage pressure; only you can delete it.'
        : 'The browser declined persistent storage (browsers grant it to sites you use often or bookmark); data may be evicted when the disk is nearly full.',
    });
  },
}));
