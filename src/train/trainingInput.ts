/**
 * What every training job (MLP, forest, sweep) takes from the sections before it: the active dataset and the chosen
 * features, or the step the user has to take first.
 */
import { useDatasetStore } from '../dataset/store';
import { currentRepresentation, useEmbedStore } from '../embed/store';
import type { Features } from './trainRun';

export type FeatureKind = 'clip' | 'raw-pixels';

export type TrainingInput = { ok: true; datasetId: string; datasetName: string; features: Features } | { ok: false; message: string };

/** `instead`: what the user could do without CLIP, e.g. "train on raw pixels". */
export function trainingInput(kind: FeatureKind, instead: string): TrainingInput {
  const { activeId, datasets } = useDatasetStore.getState();
  if (!activeId) return { ok: false, message: 'Import a dataset in the Dataset section first.' };
  const datasetName = datasets.find((d) => d.id === activeId)?.name ?? 'dataset';
  if (kind === 'raw-pixels') return { ok: true, datasetId: activeId, datasetName, features: { kind: 'raw-pixels' } };
  const rep = currentRepresentation(useEmbedStore.getState());
  if (!rep) return { ok: false, message: `Load CLIP and embed the dataset in the Embed section first (or ${instead}).` };
  return { ok: true, datasetId: activeId, datasetName, features: { kind: 'clip', rep } };
}
