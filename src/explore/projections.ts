/**
 * The projections Explore offers, as one table: every label, option and progress unit the section, its exports and
 * its stored maps show comes from here (a UMAP map is titled "UMAP" everywhere, not "t-SNE"). The algorithms run in
 * the project worker (workers/project.worker.ts).
 */
export type ProjectionKind = 'tsne' | 'umap' | 'pca';

export interface Projection {
  kind: ProjectionKind;
  /** short name in titles: "t-SNE" */
  label: string;
  /** the option text in the Projection menu */
  option: string;
  /** what one step of an iterative projection is called in its progress line; PCA has none */
  step?: { name: string; unit: string };
}

export const PROJECTIONS: readonly Projection[] = [
  { kind: 'tsne', label: 't-SNE', option: 't-SNE (exact, Barnes-Hut or FFT by size)', step: { name: 'Iteration', unit: 'it' } },
  { kind: 'umap', label: 'UMAP', option: 'UMAP (umap-js)', step: { name: 'Epoch', unit: 'epochs' } },
  { kind: 'pca', label: 'PCA', option: 'PCA' },
];

export const projectionOf = (kind: ProjectionKind): Projection => PROJECTIONS.find((p) => p.kind === kind) ?? PROJECTIONS[0];
