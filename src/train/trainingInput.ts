/**
 * What every training job (MLP, forest, sweep, probe) takes from the sections before it: the active dataset and the
 * chosen features, or the step the user has to take first. CLIP features are the stored representation (the
 * embeddings say which model and precision made them), so training after a reload needs no loaded encoder; while
 * CLIP is still loading the job waits for it and says so, instead of refusing.
 */
import { useDatasetStore } from '../dataset/store';
import { awaitRepresentation } from '../embed/store';
import type { FeatureKind, Features } from './types';

export type { FeatureKind } from './types';

export type TrainingInput =
  | { ok: true; datasetId: string; datasetName: string; features: Features }
  | { ok: false; message: string };

/**
 * `instead`: what the user could do without CLIP, e.g. "train on raw pixels". `onWait` is told what the job waits
 * for (e.g. "Waiting for CLIP to finish loading…") when it has to.
 */
export async function trainingInput(kind: FeatureKind, instead: string, onWait?: (message: string) => void): Promise<TrainingInput> {
  const { activeId, datasets } = useDatasetStore.getState();
  if (!activeId) return { ok: false, message: 'Import a dataset in the Dataset section first.' };
  const datasetName = datasets.find((d) => d.id === activeId)?.name ?? 'dataset';
  if (kind === 'raw-pixels') return { ok: true, datasetId: activeId, datasetName, features: { kind: 'raw-pixels' } };
  const found = await awaitRepresentation(onWait);
  if (!found.rep) return { ok: false, message: found.problem ?? `Load a backbone and embed the dataset in the Embed section first (or ${instead}).` };
  return { ok: true, datasetId: activeId, datasetName, features: { kind: 'clip', rep: found.rep } };
}
