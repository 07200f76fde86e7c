/**
 * Explore section state: the projection settings, the sampled images, the current map (streamed while t-SNE
 * iterates), and what the user picked on it (hidden classes, pinned point, brushed selection, probes).
 */
import { create } from 'zustand';
import { empty, type SectionStatus } from '../lib/sectionStatus';
import { useDatasetStore } from '../dataset/store';
import { representationKey, type Representation } from '../embed/embeddingCache';
import { ENSEMBLE_TEMPLATES, promptsFor } from '../embed/prompts';
import { awaitRepresentation, currentRepresentation, embedPromptTexts, useEmbedStore } from '../embed/store';
import { EMOTIONS } from '../lib/emotions';
import { formatProgress } from '../lib/progress';
import { isCancelled } from '../lib/rpc';
import { listResults, saveResult } from '../lib/resultRecords';
import { useTrainStore } from '../train/store';
import { startProjectWorker, type LoadOutput, type ProjectOutput, type ProjectWorker } from './projectWorker';
import { projectionOf, type ProjectionKind } from './projections';
import { foreignPointProblem, mappedEmbeddings, promptViewsUnavailable, viewToMap } from './mappedEmbeddings';
import { meanPosition, type ViewKind } from './views';

export type ColourBy = 'truth' | 'predicted';

export interface ExploreSettings {
  view: ViewKind;
  method: ProjectionKind;
  perplexity: number;
  /** 0: auto (N / 48, at least 50) */
  learningRate: number;
  iterations: number;
  seed: number;
  pcaFirst: boolean;
  sampleSize: number;
  colourBy: ColourBy;
  /** centre image and text embeddings each on their own mean before projecting (removes the modality gap) */
  centre: boolean;
}

export const DEFAULT_EXPLORE: ExploreSettings = {
  view: 'images',
  method: 'tsne',
  perplexity: 30,
  learningRate: 0,
  iterations: 750,
  seed: 1,
  pcaFirst: true,
  sampleSize: 5000,
  colourBy: 'truth',
  centre: false,
};

/** The sampled images (in map order for the images view). */
export interface Sample extends LoadOutput {
  key: string;
  datasetId: string;
}

export interface MapState {
  view: ViewKind;
  method: ProjectionKind;
  positions: Float32Array;
  labels: Uint8Array;
  modality: Uint8Array;
  lines: [number, number][];
  /** a name per point for the centroid and prompt views */
  names: string[];
  running: boolean;
  iteration: number;
  iterations: number;
  kl?: number;
  info?: Omit<ProjectOutput, 'positions' | 'labels' | 'modality' | 'lines'>;
  /** the settings that made it */
  settings: ExploreSettings;
  /** the embeddings it maps (maps stored before this was kept have none) */
  rep?: Representation;
  /** those embeddings in words, e.g. "face-api expression network image embeddings (256-d)" */
  mapped?: string;
}

/** A point placed on the map by its nearest image embeddings (a prompt, or a photo from another section). */
export interface Probe {
  source: string;
  label: string;
  x: number;
  y: number;
  /** sample rows of its nearest images, with their cosine similarity */
  rows: Int32Array;
  similarity: Float32Array;
}

export interface Prediction {
  predicted: number;
  probability: number;
}

interface ExploreState {
  settings: ExploreSettings;
  status: SectionStatus;
  sample?: Sample;
  map?: MapState;
  hidden: number[];
  pinned?: number;
  pinnedNeighbours?: { rows: Int32Array; similarity: Float32Array };
  selection?: number[];
  probes: Probe[];
  /** maps completed so far (tests wait for it to move) */
  completed: number;
  setSettings(settings: Partial<ExploreSettings>): void;
  run(): Promise<void>;
  stop(): void;
  toggleClass(label: number): void;
  pin(point?: number): Promise<void>;
  select(points?: number[]): void;
  probe(prompt: string): Promise<void>;
  /**
   * `replace`: the points take the place of those placed before from the same source. `rep`: what embedded a point;
   * one embedded by another model than the map's is refused (its neighbours there would mean nothing).
   */
  placeByNeighbours(source: string, points: { label: string; vector: Float32Array; rep?: Representation }[], options?: { replace?: boolean }): Promise<void>;
  clearProbes(): void;
  /** shows the latest stored map of the active dataset (after a reload, or when the dataset changes) */
  restore(): Promise<void>;
}

/** A finished map as stored: what it shows, the sample it was drawn from, and what made it. */
interface StoredMap {
  map: MapState;
  sample: Sample;
  rep: Representation;
  summary: string;
}
export const MAP_KIND = 'map';

let worker: ProjectWorker | undefined;
let running: AbortController | undefined;
/**
 * The sample a restored map was drawn from, not yet loaded into the worker: neighbour look-ups load it first (the
 * seeded sample is the same rows again).
 */
let pendingSample: { datasetId: string; rep: Representation; sampleSize: number; seed: number } | undefined;
const NEIGHBOURS = 12;
const PROBE_NEIGHBOURS = 10;

const projectWorker = () => (worker && !worker.crashed ? worker : (worker = startProjectWorker()));

/** The worker with the shown map's sample loaded, for nearest-neighbour look-ups. */
async function workerWithSample(): Promise<ProjectWorker> {
  const client = projectWorker();
  if (pendingSample) {
    const load = pendingSample;
    pendingSample = undefined;
    await client.load(load);
  }
  return client;
}

/** Per dataset index: the trained model's prediction, for test images of the run shown in Train. */
export function predictionsFor(datasetId: string | undefined): Map<number, Prediction> | undefined {
  const train = useTrainStore.getState();
  const run = train.runs.find((r) => r.id === train.shownRunId);
  const predictions = train.result?.testPredictions;
  if (!predictions || !run || run.datasetId !== datasetId) return undefined;
  const byIndex = new Map<number, Prediction>();
  predictions.indices.forEach((index, j) => byIndex.set(index, { predicted: predictions.predicted[j], probability: predictions.probability[j] }));
  return byIndex;
}

const promptTemplates = (): string[] => {
  const embed = useEmbedStore.getState();
  return embed.ensemble ? [...ENSEMBLE_TEMPLATES] : [embed.template];
};

function promptTexts(): { texts: string[]; classOf: Uint8Array } {
  const lists = promptsFor(promptTemplates());
  return { texts: lists.flat(), classOf: Uint8Array.from(lists.flatMap((list, c) => list.map(() => c))) };
}

export const useExploreStore = create<ExploreState>((set, get) => ({
  settings: DEFAULT_EXPLORE,
  status: empty('No projection yet. t-SNE maps image and text embeddings to 2-d (the paper’s figures 6–8).'),
  hidden: [],
  probes: [],
  completed: 0,

  setSettings(settings) {
    set((s) => ({ settings: { ...s.settings, ...settings } }));
  },

  async run() {
    let settings = get().settings;
    const datasetId = useDatasetStore.getState().activeId;
    if (!datasetId) return set({ status: { kind: 'error', message: 'Import a dataset in the Dataset section first.' } });
    // Stored embeddings are enough for a map: a model still loading is waited for only when it is a different one.
    const { rep, problem } = await awaitRepresentation((message) => set({ status: { kind: 'working', message } }));
    if (!rep || rep.kind === 'raw-pixels') {
      return set({ status: { kind: 'error', message: problem ?? 'Load a backbone and embed the dataset in the Embed section first.', retry: { label: 'Try again', action: () => void get().run() } } });
    }
    // A view the backbone cannot give (prompts without a text tower) is not attempted: Images, as the form shows.
    settings = { ...settings, view: viewToMap(settings.view, rep) };
    if (!(settings.sampleSize >= 2)) return set({ status: { kind: 'error', message: `Sample size must be at least 2, not ${settings.sampleSize}.` } });
    if (!(settings.perplexity > 0)) return set({ status: { kind: 'error', message: `Perplexity must be positive, not ${settings.perplexity}.` } });
    if (!(settings.iterations >= 1)) return set({ status: { kind: 'error', message: `Iterations must be at least 1, not ${settings.iterations}.` } });
    running?.abort();
    const controller = new AbortController();
    running = controller;
    const client = projectWorker();
    try {
      const key = `${datasetId}|${representationKey(rep)}|${settings.sampleSize}|${settings.seed}`;
      let sample = get().sample;
      if (sample?.key !== key) {
        set({ status: { kind: 'working', message: 'Loading the stored embeddings…' } });
        const loaded = await client.load({ datasetId, rep, sampleSize: settings.sampleSize, seed: settings.seed });
        sample = { key, datasetId, ...loaded };
        pendingSample = undefined;
        set({ sample, pinned: undefined, pinnedNeighbours: undefined, selection: undefined, probes: [] });
      }
      let prompts: { vectors: Float32Array; classOf: Uint8Array } | undefined;
      let names: string[] = [];
      if (settings.view !== 'images') {
        const { texts, classOf } = promptTexts();
        if (settings.view !== 'centroids') {
          set({ status: { kind: 'working', message: `Embedding ${texts.length} prompts…` } });
          prompts = { vectors: (await embedPromptTexts(texts)).embeddings, classOf };
        }
        names = texts;
      }
      const projection = projectionOf(settings.method);
      let view: { labels: Uint8Array; modality: Uint8Array; lines: [number, number][] } = { labels: new Uint8Array(0), modality: new Uint8Array(0), lines: [] };
      const mapped = mappedEmbeddings(settings.view, rep, promptTemplates());
      const base = { view: settings.view, method: settings.method, settings, rep, mapped, running: true, iteration: 0, iterations: projection.progressUnit ? settings.iterations : 0 };
      set({ status: { kind: 'working', message: projection.progressUnit ? 'Finding nearest neighbours…' : `${projection.label}…` } });
      const result = await client.project(
        {
          view: settings.view,
          method: settings.method,
          settings: { perplexity: settings.perplexity, learningRate: settings.learningRate, iterations: settings.iterations, seed: settings.seed },
          pcaFirst: settings.pcaFirst,
          centre: settings.centre,
          prompts,
        },
        {
          signal: controller.signal,
          onProgress: (p) => {
            if (p.stage === 'view') {
              view = { labels: p.labels, modality: p.modality, lines: p.lines };
              return;
            }
            const { progress } = p;
            if (p.stage === 'neighbours') return set({ status: { kind: 'working', message: formatProgress(progress), progress } });
            const cost = projection.costName ? ` · ${projection.costName} ${Number.isFinite(p.cost) ? p.cost.toFixed(3) : '…'}` : '';
            set({
              map: { ...base, ...view, names: [], positions: p.positions, iteration: p.done, iterations: p.total, kl: projection.costName ? p.cost : undefined },
              status: { kind: 'working', message: `${formatProgress(progress)}${cost}`, progress },
            });
          },
        },
      );
      const { positions, labels, modality, lines, ...info } = result;
      const pointNames = settings.view === 'images' ? [] : nameView(settings.view, labels, modality, names, prompts?.classOf);
      const map: MapState = { ...base, positions, labels, modality, lines, names: pointNames, running: false, iteration: result.iterations, kl: result.kl, info };
      const message = summary(settings, result, mapped, sample);
      set((state) => ({ completed: state.completed + 1, map, status: { kind: 'done', message } }));
      // The finished map is a stored result: a reload shows it again, and Manage storage lists it.
      await saveResult<StoredMap>({
        kind: MAP_KIND,
        id: `${datasetId}|${representationKey(rep)}|${settings.view}|${settings.method}`,
        datasetId,
        createdAt: new Date().toISOString(),
        title: `${projectionOf(settings.method).label} map, ${VIEW_TITLES[settings.view]}, ${map.labels.length.toLocaleString('en-US')} points`,
        value: { map, sample: sample!, rep, summary: message },
      }).catch((error: Error) => set({ status: { kind: 'done', message: `${message} It could not be stored: ${error.message}` } }));
    } catch (error) {
      const map = get().map;
      if (isCancelled(error)) {
        const step = (projectionOf(settings.method).progressUnit?.name ?? 'step').toLowerCase();
        set({ map: map ? { ...map, running: false } : undefined, status: { kind: 'done', message: `Stopped at ${step} ${map?.iteration ?? 0}: the map shows where the points were then. Run again to start over.` } });
      } else {
        set({ map: map ? { ...map, running: false } : undefined, status: { kind: 'error', message: (error as Error).message } });
      }
    } finally {
      if (running === controller) running = undefined;
    }
  },

  stop() {
    running?.abort();
  },

  toggleClass(label) {
    set((s) => ({ hidden: s.hidden.includes(label) ? s.hidden.filter((c) => c !== label) : [...s.hidden, label] }));
  },

  async pin(point) {
    const { map } = get();
    if (point === undefined || !map || map.view !== 'images') return set({ pinned: undefined, pinnedNeighbours: undefined });
    set({ pinned: point, pinnedNeighbours: undefined });
    try {
      const found = await (await workerWithSample()).neighbours({ row: point, k: NEIGHBOURS });
      if (get().pinned === point) set({ pinnedNeighbours: { rows: found.rows, similarity: found.similarity } });
    } catch (error) {
      set({ status: { kind: 'error', message: (error as Error).message } });
    }
  },

  select(points) {
    set({ selection: points && points.length > 0 ? points : undefined });
  },

  async probe(prompt) {
    const text = prompt.trim();
    if (!text) return set({ status: { kind: 'error', message: 'Type a prompt to place it on the map.' } });
    const noText = promptViewsUnavailable(currentRepresentation(useEmbedStore.getState()));
    if (noText) return set({ status: { kind: 'error', message: noText } });
    try {
      const { embeddings } = await embedPromptTexts([text]);
      await get().placeByNeighbours('prompt', [{ label: text, vector: embeddings, rep: currentRepresentation(useEmbedStore.getState()) }]);
    } catch (error) {
      set({ status: { kind: 'error', message: (error as Error).message } });
    }
  },

  async placeByNeighbours(source, points, options = {}) {
    const { map } = get();
    if (!map || map.view !== 'images' || map.running) throw new Error('Map the images first (view “Images”), then place points on it.');
    const foreign = foreignPointProblem(points, map);
    if (foreign) throw new Error(foreign);
    const placed: Probe[] = [];
    for (const point of points) {
      const found = await (await workerWithSample()).neighbours({ vector: point.vector, k: PROBE_NEIGHBOURS });
      const [x, y] = meanPosition(map.positions, found.rows);
      placed.push({ source, label: point.label, x, y, rows: found.rows, similarity: found.similarity });
    }
    set((s) => ({ probes: [...(options.replace ? s.probes.filter((p) => p.source !== source) : s.probes), ...placed] }));
  },

  clearProbes() {
    set({ probes: [] });
  },

  async restore() {
    const datasetId = useDatasetStore.getState().activeId;
    if (get().status.kind === 'working') return;
    const stored = datasetId ? (await listResults<StoredMap>(MAP_KIND)).filter((r) => r.datasetId === datasetId).at(-1) : undefined;
    if (!stored) {
      if (get().map && get().sample?.datasetId !== datasetId) set({ map: undefined, sample: undefined, status: empty('No projection yet for this dataset.') });
      return;
    }
    const { map, sample, rep, summary: message } = stored.value;
    pendingSample = { datasetId: sample.datasetId, rep, sampleSize: map.settings.sampleSize, seed: map.settings.seed };
    set({ map, sample, pinned: undefined, pinnedNeighbours: undefined, selection: undefined, probes: [], status: { kind: 'done', message: `Restored: ${message}` } });
  },
}));

const VIEW_TITLES: Record<ViewKind, string> = { images: 'images', centroids: 'mean image per emotion', prompts: 'prompts', overlay: 'mean images and their prompts' };

/** Names for the points of the centroid, prompt and overlay views. */
function nameView(view: ViewKind, labels: Uint8Array, modality: Uint8Array, texts: string[], classOf?: Uint8Array): string[] {
  if (view === 'prompts') return texts;
  return Array.from(labels, (label, i) => {
    if (modality[i] === 0) return `${EMOTIONS[label]} (mean image)`;
    const own = texts.filter((_, t) => classOf?.[t] === label);
    return own.length === 1 ? own[0] : `${EMOTIONS[label]} (mean of ${own.length} prompts)`;
  });
}

/** `mapped`: the embeddings in words (which backbone made them), so the summary says what the map is of. */
function summary(settings: ExploreSettings, result: ProjectOutput, mapped: string, sample?: Sample): string {
  const n = result.labels.length;
  const sampled = n < (sample?.embedded ?? 0) ? `a stratified sample of the ${sample?.embedded.toLocaleString('en-US')} embedded` : 'all embedded';
  const what = `${settings.view === 'images' ? `${n.toLocaleString('en-US')} images (${sampled})` : `${n} points`}, ${mapped}`;
  const projection = projectionOf(settings.method);
  // PCA's own `explained` is its two axes'; for the others it is what PCA-50 first kept.
  const pcaFirstExplained = projection.pcaFirst ? result.explained : undefined;
  return projection.describe(what, { ...result, points: n, cost: result.kl, pcaFirstExplained }, settings);
}
