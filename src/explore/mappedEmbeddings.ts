/**
 * What an Explore map is made of, read from the backbone registry rather than assumed to be CLIP: which views the
 * backbone that made the embeddings can give (the prompt views need a text tower, which face-api's networks do not
 * have), and the words that name the mapped embeddings in the section's summary and the exported figures.
 */
import { backboneOfRepKind } from '../embed/backbones';
import { representationKey, type Representation } from '../embed/embeddingCache';
import { backboneName, describeModel } from '../train/featureNames';
import type { ViewKind } from './views';

/** The views that embed the prompts with the backbone's text tower (figs. 7 and 8). */
export const viewNeedsPrompts = (view: ViewKind) => view === 'prompts' || view === 'overlay';

/**
 * Why the prompt views cannot be made from these embeddings: their backbone has no text tower. Undefined when it
 * has one, or when nothing is embedded yet (the section then asks for embeddings first).
 */
export function promptViewsUnavailable(rep: Pick<Representation, 'kind' | 'model'> | undefined): string | undefined {
  if (!rep || rep.kind === 'raw-pixels') return undefined;
  const backbone = backboneOfRepKind(rep.kind, rep.model);
  if (!backbone || backbone.hasText) return undefined;
  return `The ${backboneName(rep)} has no text tower: the prompt views (figs. 7 and 8) and the prompt probe need one, so only its image embeddings are mapped.`;
}

/** The reason `view` cannot be mapped from `rep`'s embeddings, or undefined when it can. */
export const viewUnavailable = (view: ViewKind, rep: Pick<Representation, 'kind' | 'model'> | undefined) => (viewNeedsPrompts(view) ? promptViewsUnavailable(rep) : undefined);

/**
 * The view that is mapped: the chosen one, or Images when the backbone cannot give it (a prompt view chosen with CLIP,
 * then a face-api network loaded). The choice itself is kept: it comes back with a backbone that has a text tower.
 */
export const viewToMap = (view: ViewKind, rep: Pick<Representation, 'kind' | 'model'> | undefined): ViewKind => (viewUnavailable(view, rep) ? 'images' : view);

const describeTemplates = (templates: readonly string[]) => (templates.length === 1 ? `the prompts “${templates[0]}”` : `${templates.length} prompt templates`);

/**
 * The embeddings a view maps, in words: "face-api expression network image embeddings (256-d)", "SigLIP text
 * embeddings (768-d) of the prompts “This is a photo of {}.”".
 */
export function mappedEmbeddings(view: ViewKind, rep: Pick<Representation, 'kind' | 'model' | 'dim'>, templates: readonly string[]): string {
  const name = backboneName(rep);
  if (view === 'prompts') return `${name} text embeddings (${rep.dim}-d) of ${describeTemplates(templates)}`;
  if (view === 'overlay') return `${name} image and text embeddings (${rep.dim}-d), ${describeTemplates(templates)}`;
  return `${name} image embeddings (${rep.dim}-d)`;
}

/**
 * Why points cannot be placed on a map by their neighbours: one of them was embedded by another model than the
 * map's (its neighbours there would mean nothing). Undefined when all can be placed.
 */
export function foreignPointProblem(points: readonly { label: string; rep?: Representation }[], map: { rep?: Representation; mapped?: string }): string | undefined {
  const foreign = points.find((p) => p.rep && map.rep && representationKey(p.rep) !== representationKey(map.rep));
  if (!foreign?.rep || !map.rep) return undefined;
  // maps stored before they named what they show: the model's description
  const shown = map.mapped ?? `embeddings of ${describeModel(map.rep)}`;
  return `“${foreign.label}” was embedded by ${describeModel(foreign.rep)}, but the map shows ${shown}: map the images again with the model loaded now.`;
}
