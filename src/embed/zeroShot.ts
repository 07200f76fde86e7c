/**
 * Zero-shot classification: each image goes to the class whose (L2-normalized, prompt-averaged) text embedding
 * is most similar. Pure functions over flat Float32Arrays; embeddings must already be L2-normalized.
 */
import { l2NormalizeRows } from '../lib/vectors';
import type { TextTower } from './backbones';
import { CLIP_TEXT } from './backbones/clip';

/** How a family turns cosines into class scores (its text tower declares it). */
export type ZeroShotScoring = Pick<TextTower, 'scoring' | 'logitScale' | 'logitBias'>;

/**
 * Averages each class's prompt embeddings and re-normalizes (CLIP's prompt ensembling).
 * `promptEmbeddings` rows are normalized prompts, `promptClass[i]` the class of row i.
 */
export function classEmbeddings(promptEmbeddings: Float32Array, promptClass: readonly number[], classCount: number, dim: number): Float32Array {
  const out = new Float32Array(classCount * dim);
  const counts = new Array<number>(classCount).fill(0);
  promptClass.forEach((c, row) => {
    counts[c]++;
    for (let d = 0; d < dim; d++) out[c * dim + d] += promptEmbeddings[row * dim + d];
  });
  const empty = counts.findIndex((n) => n === 0);
  if (empty >= 0) throw new Error(`Class ${empty} has no prompt`);
  return l2NormalizeRows(out, dim);
}

/**
 * Cosine similarities (dot products of normalized rows) as class scores: logits = scale × cosine + bias, then
 * CLIP's softmax over the classes (scale 100), or SigLIP's sigmoid per (image, class) pair, each class scored on its
 * own as SigLIP was trained (the scores need not sum to 1; the predicted class is still the highest).
 */
export function zeroShotProbabilities(images: Float32Array, classes: Float32Array, dim: number, scoring: ZeroShotScoring = CLIP_TEXT): Float32Array {
  const n = images.length / dim;
  const k = classes.length / dim;
  const out = new Float32Array(n * k);
  const { logitScale, logitBias } = scoring;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += images[i * dim + d] * classes[c * dim + d];
      out[i * k + c] = logitScale * dot + logitBias;
      max = Math.max(max, out[i * k + c]);
    }
    if (scoring.scoring === 'sigmoid') {
      for (let c = 0; c < k; c++) out[i * k + c] = 1 / (1 + Math.exp(-out[i * k + c]));
      continue;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += out[i * k + c] = Math.exp(out[i * k + c] - max);
    for (let c = 0; c < k; c++) out[i * k + c] /= sum;
  }
  return out;
}

export function argmaxRows(values: Float32Array, width: number): Uint8Array {
  const n = values.length / width;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < width; c++) if (values[i * width + c] > values[i * width + best]) best = c;
    out[i] = best;
  }
  return out;
}
