/**
 * Which saved run classifies a face, and why none does: a run is usable only with the features it was trained on
 * (raw pixels, or the embeddings of one backbone's model at one precision: another model's vectors do not fit it).
 * Every model is named from the backbone registry: a run on face-api features is not called a CLIP run.
 */
import { representationKey, type Representation } from '../embed/embeddingCache';
import { backboneName, describeModel, embeddingsName, runFeaturesName } from '../train/featureNames';
import type { RunRecord } from '../train/runs';

/** "face-api expression network MLP 512, 51.4% test, fer2013-mini.zip, …" (runs stored before the registry were CLIP's). */
export const runLabel = (run: RunRecord) =>
  `${runFeaturesName(run)} MLP ${run.result.settings.hidden.join('-') || 'linear'}, ` +
  `${(100 * run.result.test.accuracy).toFixed(1)}% test, ${run.datasetName}, ${new Date(run.createdAt).toLocaleString()}`;

export const describeRep = describeModel;

const sameRep = (a: Representation | undefined, b: Representation | undefined) => Boolean(a && b && representationKey(a) === representationKey(b));

/**
 * The run that classifies: none when `runId` is '' (zero-shot only), the chosen one, else the latest trained on
 * the loaded model's embeddings, else the latest raw-pixel run.
 */
export function chosenRun(runId: string | undefined, runs: RunRecord[], rep: Representation | undefined): RunRecord | undefined {
  if (runId === '') return undefined;
  if (runId) return runs.find((r) => r.id === runId);
  return runs.filter((r) => r.featureKind === 'clip' && sameRep(r.rep, rep)).at(-1) ?? runs.filter((r) => r.featureKind === 'raw-pixels').at(-1);
}

export type RunPlan = { run: RunRecord; features: 'pixels' | 'embedding' } | { note: string };

/**
 * What to feed which run, or the reason no trained model can classify now. `rep`: the loaded model's
 * representation; `zeroShotShown`: the face has zero-shot scores (its backbone has a text tower).
 */
export function planPrediction(runId: string | undefined, runs: RunRecord[], rep: Representation | undefined, zeroShotShown: boolean): RunPlan {
  const run = chosenRun(runId, runs, rep);
  if (!run) {
    if (runId === '') return { note: zeroShotShown ? 'Zero-shot only (no trained model chosen).' : 'No trained model chosen: choose one to classify the faces.' };
    if (runId) return { note: 'The chosen run is no longer stored: choose another.' };
    if (runs.length === 0) {
      const meanwhile = zeroShotShown && rep ? ` Meanwhile ${backboneName(rep)} zero-shot is shown.` : '';
      return { note: `No trained model yet: embed the dataset and train an MLP on ${embeddingsName(rep)} in the Train section.${meanwhile}` };
    }
    return { note: `No saved run fits ${rep ? `the loaded model, ${describeRep(rep)}` : 'without a loaded model'}: train one on it, or choose a run and load its model.` };
  }
  if (run.featureKind === 'raw-pixels') return { run, features: 'pixels' };
  if (!rep) return { note: `${runLabel(run)} needs ${run.rep ? describeRep(run.rep) : 'the model it was trained on'}: load it in the Embed section.` };
  if (!sameRep(run.rep, rep)) {
    return {
      note: `${runLabel(run)} was trained on ${run.rep ? describeRep(run.rep) : 'another model'}, but the loaded model is ${describeRep(rep)}: its embeddings do not fit. Load that model, or choose another run.`,
    };
  }
  return { run, features: 'embedding' };
}
