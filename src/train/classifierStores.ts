/** Each registry classifier's store, for what spans them (Results and the report read their runs and open one, the storage panel deletes through them). */
import type { ClassifierKind } from './classifiers';
import { useForestStore } from './forestStore';
import { useProbeStore } from './probeStore';
import { useTrainStore } from './store';
import type { ClassifierRun } from './types';

/** What spans the classifiers needs of a classifier store: its saved runs, their deletion, showing one, change events. */
interface RunsState {
  runs: readonly ClassifierRun[];
  removeRun(id: string): Promise<void>;
  showRun(id: string): void;
}
export interface ClassifierRunsStore {
  getState(): RunsState;
  subscribe(listener: (state: RunsState, previous: RunsState) => void): () => void;
}

export const CLASSIFIER_STORES: Record<ClassifierKind, ClassifierRunsStore> = {
  mlp: useTrainStore,
  forest: useForestStore,
  'linear-probe': useProbeStore,
};
