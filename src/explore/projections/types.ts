/**
 * A projection, as the registry (index.ts) knows it: what the page needs (kind, label, the option text, the
 * progress unit, how a finished map is described) and a stepper the one step loop (../runProjection.ts) drives in
 * the project worker: init → step … step → coordinates. Everything per projection lives in one file beside this
 * one; the worker, the section, its exports, its stored maps and the report read the registry instead of naming
 * projections. The algorithms are imported on first use (in init), so the page that reads the labels does not
 * load them.
 */
export type ProjectionKind = 'tsne' | 'umap' | 'pca';

/** n rows of dim values to map to 2-d. */
export interface ProjectionData {
  data: Float32Array;
  n: number;
  dim: number;
}

/** The Explore section's projection fields; each projection reads the ones it uses. */
export interface MapSettings {
  seed: number;
  perplexity: number;
  /** 0: auto */
  learningRate: number;
  iterations: number;
}

/**
 * Where a stepper is. 'neighbours': finding each point's nearest neighbours (done / total points); 'optimising':
 * moving the points (done / total steps: t-SNE iterations, UMAP epochs). `finished` once the map is final.
 */
export interface StepPosition {
  stage: 'neighbours' | 'optimising';
  done: number;
  total: number;
  finished: boolean;
}

/** What a finished map reports besides its coordinates (the stored record, the summary, the exported settings). */
export interface ProjectionFacts {
  /** steps run: t-SNE iterations, UMAP epochs, 0 for PCA */
  iterations: number;
  /** the perplexity really used (clamped to what the point count allows) */
  perplexity?: number;
  learningRate?: number;
  /** UMAP's neighbour count */
  neighbours?: number;
  /** share of variance the 2 axes keep (PCA) */
  explained?: number;
  /** how t-SNE's repulsion was computed, and on how many threads (the benchmark reports both) */
  repulsion?: string;
  threads?: number;
  /** seconds spent finding neighbours before optimising */
  knnSeconds?: number;
}

/** A finished map's figures, as the section's summary line describes them. */
export interface ProjectionSummary extends ProjectionFacts {
  points: number;
  seconds: number;
  /** the cost on the last step (t-SNE's KL), when the projection has one */
  cost?: number;
  /** share of variance kept by PCA-50 first, when it was applied */
  pcaFirstExplained?: number;
}

export interface Projection<O extends object, S> {
  kind: ProjectionKind;
  /** short name in titles: "t-SNE" */
  label: string;
  /** the option text in the Projection menu */
  option: string;
  /** one sentence for the Projection menu's help */
  blurb: string;
  /** what one optimising step is called in progress lines ("Iteration", "it"); none when it has no steps */
  progressUnit?: { name: string; unit: string };
  /** the name of the cost measured while stepping ("KL"), when there is one */
  costName?: string;
  /** the section's fields it reads, as options (the others are disabled while it is chosen, saying so) */
  uses: readonly (keyof MapSettings)[];
  /** why the fields it does not read are not needed, shown beside them */
  unusedNote?: string;
  /** whether "PCA to 50-d first" applies */
  pcaFirst: boolean;
  defaults: O;
  /** the summary line of a finished map of `what` ("385 images (all embedded)") */
  describe(what: string, summary: ProjectionSummary, settings: MapSettings): string;

  /** Prepares to map `input` (may do heavy work, e.g. all-pairs neighbours for small N). */
  init(input: ProjectionData, options: O): Promise<S>;
  position(state: S): StepPosition;
  /**
   * Up to `n` units of the current stage (stops early when the stage ends). `measure`: compute the cost on the
   * last unit (it may cost a pass of its own, so the loop asks only when it reports). Results never depend on how
   * the steps are batched or measured.
   */
  step(state: S, n: number, measure: boolean): StepPosition | Promise<StepPosition>;
  /** n × 2 positions, a copy the caller may keep or transfer */
  coordinates(state: S): Float32Array;
  /** the cost measured by the last `measure` step; NaN when none */
  cost?(state: S): number;
  facts(state: S): ProjectionFacts;
  /** frees what init started (t-SNE's helper thread); called however the run ends */
  dispose?(state: S): void;
}

// The registry holds entries of different option and state types side by side.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProjection = Projection<any, any>;
