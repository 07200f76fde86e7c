/**
 * The words Train uses for embedding features, from the backbone registry: a face-api network's embeddings are not
 * called "CLIP". An entry's own checkpoint (or a network that comes from one place only) is named by its label
 * without the parenthesis; a CLIP or SigLIP from a mirror or from disk by its family.
 */
import { backboneOfRepKind, BACKBONES, FAMILY_NAMES } from '../embed/backbones';
import type { Representation } from '../embed/embeddingCache';
import type { Features, RunIdentity } from './types';

export function backboneName(rep: Pick<Representation, 'kind' | 'model'>): string {
  const backbone = backboneOfRepKind(rep.kind, rep.model);
  if (!backbone) return rep.kind;
  return backbone.hubRepo === rep.model || !backbone.hubRepo ? backbone.label.replace(/\s*\(.*\)$/, '') : FAMILY_NAMES[backbone.family];
}

/** The features in words, as runs record them: "CLIP Xenova/clip-vit-base-patch32 quantized", "raw pixels (…)". */
export const describeFeatures = (features: Features) =>
  features.kind === 'clip' ? `${backboneName(features.rep)} ${features.rep.model} ${features.rep.precision}` : 'raw pixels (2,304 values, 0-1)';

/**
 * A model that made embeddings, in words: "face-api expression network (fp32, 256-d)", "CLIP
 * http://…/models/tiny/ (quantized, 512-d)". Its source is named unless it is a registry id (face-api's networks).
 */
export function describeModel(rep: Representation): string {
  const source = rep.model && !BACKBONES.some((b) => b.id === rep.model) ? ` ${rep.model}` : '';
  return `${backboneName(rep)}${source} (${rep.precision ?? ''}, ${rep.dim}-d)`;
}

/** The features without the model's source: "SigLIP embeddings", "face-api expression network embeddings". */
export const embeddingsName = (rep: Pick<Representation, 'kind' | 'model'> | undefined) => (rep ? `${backboneName(rep)} embeddings` : 'image embeddings');

/** A run's features as an adjective: "CLIP", "face-api expression network", "raw-pixel" (older runs without a rep: CLIP). */
export const runFeaturesName = (run: Pick<RunIdentity, 'featureKind' | 'rep'>) =>
  run.featureKind === 'clip' ? (run.rep ? backboneName(run.rep) : 'CLIP') : 'raw-pixel';
