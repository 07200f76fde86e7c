/** Each registry classifier's store, for what spans them (the storage panel deletes through these). */
import type { ClassifierKind } from './classifiers';
import { useForestStore } from './forestStore';
import { useProbeStore } from './probeStore';
import { useTrainStore } from './store';

export const CLASSIFIER_STORES: Record<ClassifierKind, { getState(): { removeRun(id: string): Promise<void> } }> = {
  mlp: useTrainStore,
  forest: useForestStore,
  'linear-probe': useProbeStore,
};
