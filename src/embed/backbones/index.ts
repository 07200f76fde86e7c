/** The backbone registry: every encoder Facet can embed with, one file per family. */
import { CLIP_BACKBONES } from './clip';
import { FACE_API_BACKBONES } from './faceApi';
import { SIGLIP_BASE } from './siglip';
import type { Backbone } from './types';

export type { Backbone, ImagePreprocessing, TextTower } from './types';

export const BACKBONES: readonly Backbone[] = [...CLIP_BACKBONES, SIGLIP_BASE, ...FACE_API_BACKBONES];
export const DEFAULT_BACKBONE = CLIP_BACKBONES[0];

export function backboneById(id: string): Backbone {
  const found = BACKBONES.find((b) => b.id === id);
  if (!found) throw new Error(`No backbone "${id}". Known: ${BACKBONES.map((b) => b.id).join(', ')}`);
  return found;
}

/** The family entry that made a representation's vectors (a CLIP from a mirror or disk gets the first CLIP entry). */
export function backboneOfRepKind(kind: string, model?: string): Backbone | undefined {
  const family = BACKBONES.filter((b) => b.repKind === kind);
  return family.find((b) => b.hubRepo === model) ?? family[0];
}

/** The short name a vision-language family goes by in summaries ("SigLIP zero-shot"); a face network by its label. */
export const familyName = (backbone: Backbone | undefined) => (backbone?.family === 'clip' ? 'CLIP' : backbone?.family === 'siglip' ? 'SigLIP' : (backbone?.label ?? 'CLIP'));

/** Representation kinds that stored embeddings may carry. */
export const REPRESENTATION_KINDS: readonly string[] = ['raw-pixels', ...new Set(BACKBONES.map((b) => b.repKind))];
