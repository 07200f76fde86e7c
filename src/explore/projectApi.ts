/**
 * The project worker's API and its contract (input, progress and output types), beside the client
 * (projectWorker.ts); workers/project.worker.ts only exposes it. It loads the stored embeddings of a dataset,
 * samples them, maps a view to 2-d with any projection of the registry through the one step loop
 * (runProjection.ts), streaming positions while it iterates, and answers nearest-neighbour questions in the
 * original space. All of it runs in the worker, keeping the page's main thread free.
 */
import { getColumns } from '../dataset/storage';
import { loadStoredEmbeddings, type Representation } from '../embed/embeddingCache';
import { stratifiedOrder } from '../embed/sampling';
import { EMOTION_COUNT } from '../lib/emotions';
import { transfer, type JobContext } from '../lib/rpc';
import { pca, VpTree } from './linalg';
import { optionsFrom, projectionOf, type MapSettings, type ProjectionKind } from './projections';
import { tsneProjection, type TsneOptions } from './projections/tsne';
import { runProjection, type ProjectionProgress } from './runProjection';
import { buildView, type ViewKind } from './views';

export interface ProjectInput {
  view: ViewKind;
  method: ProjectionKind;
  /** the section's fields; the projection reads those it uses */
  settings: MapSettings;
  pcaFirst: boolean;
  centre: boolean;
  prompts?: { vectors: Float32Array; classOf: Uint8Array };
}

export type ProjectProgress = { stage: 'view'; labels: Uint8Array; modality: Uint8Array; lines: [number, number][] } | ProjectionProgress;

export interface ProjectOutput {
  positions: Float32Array;
  labels: Uint8Array;
  modality: Uint8Array;
  lines: [number, number][];
  /** the perplexity really used (clamped to what the point count allows) */
  perplexity?: number;
  learningRate?: number;
  kl?: number;
  iterations: number;
  seconds: number;
  /** share of variance kept by PCA-50 (or by the 2 PCA axes) */
  explained?: number;
  /** UMAP's neighbour count */
  neighbours?: number;
}

export interface LoadInput {
  datasetId: string;
  rep: Representation;
  sampleSize: number;
  seed: number;
}

export interface LoadOutput {
  embedded: number;
  total: number;
  datasetIndex: Int32Array;
  labels: Uint8Array;
  splits: Uint8Array;
  imageIds: string[];
}

export interface TsneOnDataInput {
  data: Float32Array;
  n: number;
  dim: number;
  settings: Partial<TsneOptions> & { perplexity: number; seed: number };
}

export interface TsneOnDataOutput {
  positions: Float32Array;
  seconds: number;
  knnSeconds: number;
  kl: number;
  threads: number;
  repulsion: string;
}

interface Loaded {
  datasetId: string;
  dim: number;
  /** every embedded image: dataset index, label, vector */
  allIndex: Int32Array;
  allLabels: Uint8Array;
  allVectors: Float32Array;
  /** the sample, rows into the arrays above */
  sample: Int32Array;
  sampleVectors: Float32Array;
  sampleLabels: Uint8Array;
  tree?: VpTree;
}

let loaded: Loaded | undefined;

export const projectApi = {
  /** Loads the dataset's stored embeddings and draws a stratified sample (by split and emotion) of `sampleSize`. */
  async load(input: LoadInput): Promise<LoadOutput> {
    const columns = await getColumns(input.datasetId);
    if (!columns) throw new Error('The dataset is no longer stored: import it again');
    const { positions, vectors } = await loadStoredEmbeddings(input.rep, columns.imageIds);
    if (positions.length === 0) throw new Error('No image of this dataset is embedded with the loaded model yet: embed it in the Embed section first');
    const allIndex = Int32Array.from(positions);
    const allLabels = Uint8Array.from(positions, (p) => columns.labels[p]);
    const splits = Uint8Array.from(positions, (p) => columns.splits[p]);
    const size = Math.max(2, Math.min(input.sampleSize, positions.length));
    const sample = Int32Array.from(stratifiedOrder(allLabels, splits, size, input.seed).slice(0, size)).sort();
    const dim = input.rep.dim;
    const sampleVectors = new Float32Array(sample.length * dim);
    sample.forEach((r, i) => sampleVectors.set(vectors.subarray(r * dim, (r + 1) * dim), i * dim));
    const sampleLabels = Uint8Array.from(sample, (r) => allLabels[r]);
    loaded = { datasetId: input.datasetId, dim, allIndex, allLabels, allVectors: vectors, sample, sampleVectors, sampleLabels };
    return {
      embedded: positions.length,
      total: columns.imageIds.length,
      datasetIndex: Int32Array.from(sample, (r) => allIndex[r]),
      labels: sampleLabels,
      splits: Uint8Array.from(sample, (r) => splits[r]),
      imageIds: Array.from(sample, (r) => columns.imageIds[allIndex[r]]),
    };
  },

  /** Maps one view to 2-d with the projection `input.method`, streaming positions through progress as it steps. */
  async project(input: ProjectInput, ctx: JobContext<ProjectProgress>): Promise<ProjectOutput> {
    if (!loaded) throw new Error('No embeddings loaded');
    const started = performance.now();
    const view = buildView(
      input.view,
      {
        dim: loaded.dim,
        images: { vectors: loaded.sampleVectors, labels: loaded.sampleLabels },
        allImages: { vectors: loaded.allVectors, labels: loaded.allLabels },
        prompts: input.prompts,
        classes: EMOTION_COUNT,
      },
      input.centre,
    );
    const n = view.labels.length;
    const base = { labels: view.labels, modality: view.modality, lines: view.lines };
    if (n < 2) throw new Error(`This view has ${n} point: at least 2 are needed for a map`);
    ctx.progress({ stage: 'view', ...base });
    const projection = projectionOf(input.method);
    let data = view.vectors;
    let dim = view.dim;
    let pcaFirstExplained: number | undefined;
    if (projection.pcaFirst && input.pcaFirst && dim > 50 && n > 50) {
      const result = pca(data, n, dim, 50, input.settings.seed);
      data = result.projected;
      dim = result.components;
      pcaFirstExplained = result.explained;
    }
    const run = await runProjection(projection, { data, n, dim }, optionsFrom(projection, input.settings), ctx);
    const { facts } = run;
    const positions = run.coordinates;
    return transfer(
      {
        ...base,
        positions,
        perplexity: facts.perplexity,
        learningRate: facts.learningRate,
        kl: projection.costName ? run.cost : undefined,
        iterations: facts.iterations,
        neighbours: facts.neighbours,
        seconds: (performance.now() - started) / 1000,
        explained: facts.explained ?? pcaFirstExplained,
      },
      [positions.buffer],
    );
  },

  /** t-SNE of given rows, as the section runs it (for `npm run bench explore`): the map and where time went. */
  async tsneOnData(input: TsneOnDataInput, ctx: JobContext<ProjectProgress>): Promise<TsneOnDataOutput> {
    const started = performance.now();
    const run = await runProjection(tsneProjection, { data: input.data, n: input.n, dim: input.dim }, input.settings, ctx);
    const positions = run.coordinates;
    const { knnSeconds = 0, threads = 1, repulsion = '' } = run.facts;
    return transfer({ positions, seconds: (performance.now() - started) / 1000, knnSeconds, kl: run.cost, threads, repulsion }, [positions.buffer]);
  },

  /** The k sampled images nearest (in the original embedding space) to sample row `row`, or to `vector`. */
  async neighbours(input: { row?: number; vector?: Float32Array; k: number }): Promise<{ rows: Int32Array; similarity: Float32Array }> {
    if (!loaded) throw new Error('No embeddings loaded');
    const { sampleVectors, dim } = loaded;
    const n = sampleVectors.length / dim;
    loaded.tree ??= new VpTree(sampleVectors, n, dim, 1);
    const k = Math.min(input.k, n - (input.row === undefined ? 0 : 1));
    const rows = new Int32Array(k);
    const distances = new Float64Array(k);
    if (input.vector) {
      if (input.vector.length !== dim) throw new Error(`The probe vector has ${input.vector.length} values, the image embeddings ${dim}`);
      loaded.tree.query(input.vector, 0, k, rows, distances);
    } else loaded.tree.query(sampleVectors, input.row!, k, rows, distances, 0, input.row!);
    // Unit vectors: |a − b|² = 2 − 2 cos.
    return { rows, similarity: Float32Array.from(distances, (d) => 1 - d / 2) };
  },
};

export type ProjectWorkerApi = typeof projectApi;
