/**
 * Projection worker: loads the stored embeddings of a dataset, samples them, maps a view to 2-d (t-SNE or PCA)
 * streaming positions while it iterates, and answers nearest-neighbour questions in the original space. Keeps the
 * page's main thread free. Logic lives in src/explore/.
 */
import { UMAP } from 'umap-js';
import { seededRandom } from '../src/lib/random';
import { getColumns } from '../src/dataset/storage';
import { loadStoredEmbeddings, type Representation } from '../src/embed/embeddingCache';
import { stratifiedOrder } from '../src/embed/sampling';
import { EMOTION_COUNT } from '../src/lib/emotions';
import { exposeApi, throwIfCancelled, transfer, type JobContext } from '../src/lib/rpc';
import { approximateNeighbourSteps, pca, VpTree, type Neighbours } from '../src/explore/linalg';
import { neighbourCount, pcaInit, Tsne, type TsneSettings } from '../src/explore/tsne';
import { startAttractionHelper } from '../src/explore/tsneHelper';
import { buildView, type ViewKind } from '../src/explore/views';

export type ProjectionMethod = 'tsne' | 'umap' | 'pca';

export interface ProjectInput {
  view: ViewKind;
  method: ProjectionMethod;
  tsne: Partial<TsneSettings> & { perplexity: number; iterations: number; seed: number };
  pcaFirst: boolean;
  centre: boolean;
  prompts?: { vectors: Float32Array; classOf: Uint8Array };
}

export type ProjectProgress =
  | { stage: 'view'; labels: Uint8Array; modality: Uint8Array; lines: [number, number][] }
  | { stage: 'neighbours'; done: number; total: number }
  | { stage: 'optimising'; done: number; total: number; kl: number; positions: Float32Array };

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
/** from this many points on, t-SNE's neighbours are approximate */
const APPROXIMATE_FROM = 4000;
/** from this many points on, a second thread shares t-SNE's attraction (below, starting it costs more than it saves) */
const HELPER_FROM = 5000;
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const api = {
  /** Loads the dataset's stored embeddings and draws a stratified sample (by split and emotion) of `sampleSize`. */
  async load(input: { datasetId: string; rep: Representation; sampleSize: number; seed: number }): Promise<{
    embedded: number;
    total: number;
    datasetIndex: Int32Array;
    labels: Uint8Array;
    splits: Uint8Array;
    imageIds: string[];
  }> {
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

  /** Maps one view to 2-d; t-SNE streams its positions every ~120 ms through progress. */
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
    let data = view.vectors;
    let dim = view.dim;
    let explained: number | undefined;
    if (input.method === 'pca') {
      const result = pca(data, n, dim, 2, input.tsne.seed);
      const positions = result.components === 2 ? result.projected : Float32Array.from({ length: 2 * n }, (_, t) => (t % 2 ? 0 : result.projected[t >> 1]));
      return transfer({ ...base, positions, iterations: 0, seconds: (performance.now() - started) / 1000, explained: result.explained }, [positions.buffer]);
    }
    if (input.pcaFirst && dim > 50 && n > 50) {
      const result = pca(data, n, dim, 50, input.tsne.seed);
      data = result.projected;
      dim = result.components;
      explained = result.explained;
    }
    if (input.method === 'umap') {
      const { positions, epochs, neighbours } = await runUmap(data, n, dim, input.tsne.seed, ctx);
      return transfer({ ...base, positions, iterations: epochs, neighbours, seconds: (performance.now() - started) / 1000, explained }, [positions.buffer]);
    }
    const { tsne, kl } = await runTsne(data, n, dim, { ...input.tsne }, ctx);
    const positions = Float32Array.from(tsne.positions);
    return transfer(
      { ...base, positions, perplexity: tsne.perplexity, learningRate: tsne.learningRate, kl, iterations: tsne.iteration, seconds: (performance.now() - started) / 1000, explained },
      [positions.buffer],
    );
  },

  /** t-SNE of given rows, as the section runs it (for `npm run bench explore`): the map and where time went. */
  async tsneOnData(
    input: { data: Float32Array; n: number; dim: number; settings: Partial<TsneSettings> & { perplexity: number; seed: number } },
    ctx: JobContext<ProjectProgress>,
  ): Promise<{ positions: Float32Array; seconds: number; knnSeconds: number; kl: number; threads: number; repulsion: string }> {
    const started = performance.now();
    const { tsne, kl, knnSeconds, threads } = await runTsne(input.data, input.n, input.dim, input.settings, ctx);
    const positions = Float32Array.from(tsne.positions);
    return transfer({ positions, seconds: (performance.now() - started) / 1000, knnSeconds, kl, threads, repulsion: tsne.repulsion }, [positions.buffer]);
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

export type ProjectWorkerApi = typeof api;

/** kNN (exact or approximate by size) then t-SNE, yielding to the event loop every ~120 ms (progress, Stop). */
async function runTsne(data: Float32Array, n: number, dim: number, settings: Partial<TsneSettings> & { perplexity: number; seed: number }, ctx: JobContext<ProjectProgress>): Promise<{ tsne: Tsne; kl: number; knnSeconds: number; threads: number }> {
  const knnStarted = performance.now();
  const k = neighbourCount(n, { perplexity: settings.perplexity, exactBelow: settings.exactBelow ?? 1000 });
  let neighbours: Neighbours | undefined;
  if (n >= (settings.exactBelow ?? 1000)) {
    // Neighbours step by step, yielding now and then so that progress shows and Stop is heard. Exact (vp-tree)
    // up to a few thousand points; beyond, an exact search in 50+ dimensions is O(N²): approximate (RP forest
    // + NN-descent), as openTSNE and FIt-SNE do.
    let last = performance.now();
    if (n < APPROXIMATE_FROM) {
      const tree = new VpTree(data, n, dim, settings.seed);
      neighbours = { k, indices: new Int32Array(n * k), distances: new Float64Array(n * k) };
      for (let q = 0; q < n; q++) {
        tree.query(data, q, k, neighbours.indices, neighbours.distances, q * k, q);
        if (performance.now() - last > 100) {
          ctx.progress({ stage: 'neighbours', done: q + 1, total: n });
          await tick();
          throwIfCancelled(ctx.signal);
          last = performance.now();
        }
      }
    } else {
      const steps = approximateNeighbourSteps(data, n, dim, k, settings.seed);
      for (;;) {
        const next = steps.next();
        if (next.done) {
          neighbours = next.value;
          break;
        }
        if (performance.now() - last > 100) {
          ctx.progress({ stage: 'neighbours', done: Math.round(next.value * n), total: n });
          await tick();
          throwIfCancelled(ctx.signal);
          last = performance.now();
        }
      }
    }
  }
  const knnSeconds = (performance.now() - knnStarted) / 1000;
  const tsne = new Tsne(data, n, dim, settings, pcaInit(data, n, dim, settings.seed), neighbours);
  const helper = (settings.threads ?? 2) > 1 && n >= HELPER_FROM ? await startAttractionHelper(tsne) : undefined;
  let last = 0;
  let kl = NaN;
  try {
    while (!tsne.done) {
      const now = performance.now();
      const report = now - last > 120 || tsne.iteration === tsne.settings.iterations - 1;
      const step = tsne.step(report);
      if (report) {
        kl = step.kl;
        last = now;
        ctx.progress({ stage: 'optimising', done: step.iteration, total: tsne.settings.iterations, kl, positions: Float32Array.from(tsne.positions) });
        await tick();
        throwIfCancelled(ctx.signal);
      }
    }
  } finally {
    helper?.stop();
  }
  return { tsne, kl, knnSeconds, threads: helper ? 2 : 1 };
}

/**
 * UMAP through umap-js (seeded with the map's seed), stepping its epochs here so the map moves, progress shows and
 * Stop is heard. 15 neighbours as UMAP's default, fewer when the view has fewer points.
 */
async function runUmap(data: Float32Array, n: number, dim: number, seed: number, ctx: JobContext<ProjectProgress>): Promise<{ positions: Float32Array; epochs: number; neighbours: number }> {
  const neighbours = Math.max(2, Math.min(15, n - 1));
  const umap = new UMAP({ nComponents: 2, nNeighbors: neighbours, minDist: 0.1, random: seededRandom(seed) });
  const rows = Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * dim, (i + 1) * dim)));
  ctx.progress({ stage: 'neighbours', done: 0, total: n });
  const epochs = umap.initializeFit(rows);
  const flat = () => Float32Array.from(umap.getEmbedding().flat());
  let last = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    umap.step();
    const now = performance.now();
    if (now - last > 120 || epoch === epochs - 1) {
      last = now;
      ctx.progress({ stage: 'optimising', done: epoch + 1, total: epochs, kl: NaN, positions: flat() });
      await tick();
      throwIfCancelled(ctx.signal);
    }
  }
  return { positions: flat(), epochs, neighbours };
}

exposeApi(api);
