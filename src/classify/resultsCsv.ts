/**
 * The classification results of a photo's faces as CSV: one row per face and classifier (the trained MLP, the
 * backbone's zero-shot), with where the face was cropped and the probability of each of the seven emotions.
 */
import { csvDocument } from '../lib/download';
import { EMOTIONS } from '../lib/emotions';
import type { Face } from './store';

export const RESULTS_HEADER = ['photo', 'face', 'source', 'detector_score', 'crop_cx', 'crop_cy', 'crop_side', 'crop_angle', 'classifier', 'model', 'predicted', ...EMOTIONS.map((e) => `p_${e}`)];

const round = (v: number, digits: number) => Number(v.toFixed(digits));

export function classificationCsv(photo: string, faces: Face[]): string {
  const rows: (string | number)[][] = [];
  faces.forEach((face, i) => {
    const where = [photo, i + 1, face.source, face.score === undefined ? '' : round(face.score, 4), round(face.crop.cx, 1), round(face.crop.cy, 1), round(face.crop.size, 1), round(face.crop.angle, 2)];
    const p = face.prediction;
    const classifiers: { kind: string; model: string; probabilities: number[] }[] = [];
    if (p?.mlp) classifiers.push({ kind: 'mlp', model: p.mlp.model, probabilities: p.mlp.probabilities });
    // the family whose text tower scored, then the prompts: SigLIP's zero-shot is not CLIP's
    if (p?.zeroShot) classifiers.push({ kind: 'zero-shot', model: `${p.zeroShot.family} ${p.zeroShot.prompts}`, probabilities: p.zeroShot.probabilities });
    for (const c of classifiers) {
      const best = c.probabilities.indexOf(Math.max(...c.probabilities));
      rows.push([...where, c.kind, c.model, EMOTIONS[best], ...c.probabilities.map((v) => round(v, 6))]);
    }
  });
  return csvDocument(RESULTS_HEADER, rows);
}
