/** Each registry classifier's store, for what spans them (the storage panel deletes through these; Results reads their runs and opens one). */
import type { ClassifierKind } from './classifiers';
import { useForestStore } from './forestStore';
import { useProbeStore } from './probeStore';
import { useTrainStore } from './store';
import type { ClassifierRun } from './types';

export interface ClassifierStoreHandle {
  getState(): { runs: readonly ClassifierRun[]; removeRun(id: string): Promise<void>; showRun(id: string): void };
  subscribe(listener: () => void): () => void;
}

export const CLASSIFIER_STORES: Record<ClassifierKind, ClassifierStoreHandle> = {
  mlp: useTrainStore,
  forest: useForestStore,
  'linear-probe': useProbeStore,
};
