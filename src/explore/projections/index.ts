/**
 * The projection registry: one line per projection. The project worker's one step loop (../runProjection.ts), the
 * Explore section's menu and progress lines, its exports, stored maps and report figure all read this list; a new
 * projection is one file beside this one plus its line here.
 */
import { pcaProjection } from './pca';
import { tsneProjection } from './tsne';
import type { AnyProjection, MapSettings, ProjectionKind } from './types';
import { umapProjection } from './umap';

export type { AnyProjection, MapSettings, Projection, ProjectionData, ProjectionFacts, ProjectionKind, ProjectionSummary, StepPosition } from './types';

export const PROJECTIONS: readonly AnyProjection[] = [tsneProjection, umapProjection, pcaProjection];

/** The entry of `kind`; a stored map of a kind no longer listed reads as the first (it still has its coordinates). */
export const projectionOf = (kind: ProjectionKind): AnyProjection => PROJECTIONS.find((p) => p.kind === kind) ?? PROJECTIONS[0];

/** The options a projection's stepper gets from the section's fields: the ones it uses (merged over its defaults). */
export const optionsFrom = (projection: AnyProjection, settings: MapSettings): Partial<MapSettings> =>
  Object.fromEntries(projection.uses.map((key) => [key, settings[key]]));
