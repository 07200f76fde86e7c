import { useState } from 'react';
import { backboneOfRepKind } from '../embed/backbones';
import { zeroShotProbabilities } from '../embed/zeroShot';
import { OcclusionView } from '../train/OcclusionView';
import type { OcclusionSource } from '../train/occlusionSources';
import { useTrainStore } from '../train/store';
import { classifyWorker, zeroShotClasses, type Face } from './store';

/**
 * The classifier that scored a face, as an occlusion source: the saved run that gave its trained-model bars (run by
 * the classify worker, as for the face itself), else the backbone's zero-shot with the same prompts, scored as the
 * face's own bars were (CLIP's softmax, SigLIP's sigmoid per class).
 */
export function faceOcclusionSource(face: Face): { source?: OcclusionSource; unavailable?: string } {
  const p = face.prediction;
  if (p?.mlp) {
    const { runId, model } = p.mlp;
    const run = useTrainStore.getState().runs.find((r) => r.id === runId);
    if (!run) return { unavailable: 'The run that classified this face is no longer stored.' };
    return {
      source: {
        id: runId,
        label: model,
        features: run.featureKind,
        rep: run.rep,
        score: (features, dim) => classifyWorker().predictWithRun({ runId, features, dim }),
      },
    };
  }
  if (p?.zeroShot && p.rep) {
    const rep = p.rep;
    const scoring = backboneOfRepKind(rep.kind, rep.model)?.text;
    return {
      source: {
        id: `zero-shot ${p.zeroShot.prompts}`,
        label: `${p.zeroShot.family} zero-shot, prompts ${p.zeroShot.prompts}`,
        features: 'clip',
        rep,
        score: async (features, dim) => zeroShotProbabilities(features, (await zeroShotClasses(rep)).classes, dim, scoring),
      },
    };
  }
  return { unavailable: 'Nothing classified this face yet: load a backbone (Embed) or train a run on raw pixels (Train).' };
}

/** The "Occlusion map" button of one face in Classify and, once pressed, the map's view. */
export function FaceOcclusion({ face, n }: { face: Face; n: number }) {
  const [open, setOpen] = useState(false);
  if (!face.pixels || face.busy) return null;
  const { source, unavailable } = faceOcclusionSource(face);
  return (
    <div className="face-occlusion">
      <button type="button" className="secondary" aria-expanded={open} onClick={() => setOpen(!open)}>
        Occlusion map of face {n}
      </button>
      {open && <OcclusionView pixels={face.pixels} source={source} unavailable={unavailable} name={`face ${n}`} />}
    </div>
  );
}
