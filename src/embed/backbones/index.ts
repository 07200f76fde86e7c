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

/** The short names the families go by in summaries ("SigLIP zero-shot"). */
export const FAMILY_NAMES: Record<Backbone['family'], string> = { clip: 'CLIP', siglip: 'SigLIP', 'face-api': 'face-api' };

/** A backbone's family name; a face network (one checkpoint, no family of checkpoints) by its label. */
export const familyName = (backbone: Backbone | undefined) => (!backbone ? 'CLIP' : backbone.family === 'face-api' ? backbone.label : FAMILY_NAMES[backbone.family]);

/** Representation kinds that stored embeddings may carry. */
export const REPRESENTATION_KINDS: readonly string[] = ['raw-pixels', ...new Set(BACKBONES.map((b) => b.repKind))];
