/** Embed section state: which CLIP model, where it comes from, on which backend, and its loading state. */
import { create } from 'zustand';
import { empty, type SectionStatus } from '../lib/sectionStatus';
import { useStatusStore } from '../app/statusStore';
import { chooseBackend, type BackendPreference } from '../lib/compute';
import { formatBytes, formatProgress, ProgressTracker } from '../lib/progress';
import { isCancelled } from '../lib/rpc';
import { listResults, onResultsChanged, saveResult } from '../lib/resultRecords';
import { announceChange, LOCKS, onOtherTabChange, withLockOrFail } from '../lib/tabs';
import { useDatasetStore } from '../dataset/store';
import type { EmbedDatasetProgress } from './embedDataset';
import { backboneById, backboneOfRepKind, BACKBONES, DEFAULT_BACKBONE, familyName, type Backbone, type ImagePreprocessing } from './backbones';
import { CLIP_PREPROCESSING } from './backbones/clip';
import { representationKey, type Representation } from './embeddingCache';
import { ENSEMBLE_TEMPLATES, PAPER_TEMPLATE, promptsFor } from './prompts';
import type { ZeroShotResult } from './zeroShotRun';
import { startEmbedWorker, type EmbedWorker, type EncoderUse, type LoadedEncoder } from './embedWorker';
import {
  DEFAULT_CHECKPOINT,
  defaultPrecision,
  hubSource,
  localSource,
  mirrorSource,
  type EncoderKind,
  type LocalModelFiles,
  type ModelSource,
  type Precision,
} from './modelSource';
import { downloadBlob } from '../lib/download';

export type SourceKind = 'hub' | 'mirror' | 'local';

interface EmbedState {
  /** the registry backbone to load (src/embed/backbones); a CLIP entry's checkpoint is `repo` on the hub */
  backboneId: string;
  sourceKind: SourceKind;
  repo: string;
  mirrorUrl: string;
  localFiles: Partial<LocalModelFiles>;
  precision: Precision | 'auto';
  backend: BackendPreference;
  status: SectionStatus;
  /** the encoders of the loaded model: replaced whole when a load finishes, emptied when one starts */
  loaded: Partial<Record<EncoderKind, LoadedEncoder>>;
  /** what is loaded, as it was loaded: its real source and precision, not what the form says now */
  model?: LoadedModel;
  /** a load in progress: what it is loading */
  loading?: { sourceId: string; precision: Precision };
  /**
   * The representation training, forests, sweeps and Explore read: that of the model loaded last or of the
   * embeddings imported last. It is kept across reloads, so stored embeddings are usable without loading the model.
   */
  activeRep?: Representation;
  /** embed a stratified sample of this many images first (0: dataset order) */
  sampleFirst: number;
  ensemble: boolean;
  /** the single prompt template ({} stands for the emotion), the paper's by default */
  template: string;
  coverage?: { embedded: number; total: number };
  /** while an embedding run goes on past its stratified sample: how many images the stored sample has */
  sampleReady?: number;
  zeroShot?: ZeroShotResult;
  /** what the zero-shot result shown was computed with */
  zeroShotOf?: ZeroShotIdentity;
  setSettings(settings: Partial<Pick<EmbedState, 'backboneId' | 'sourceKind' | 'repo' | 'mirrorUrl' | 'localFiles' | 'precision' | 'backend' | 'sampleFirst' | 'ensemble' | 'template'>>): void;
  loadModel(): Promise<void>;
  embedDataset(): Promise<void>;
  refreshCoverage(): Promise<void>;
  runZeroShot(): Promise<void>;
  /** shows the stored zero-shot result of the active dataset: the one of the current model and prompts, else the latest */
  restoreZeroShot(): Promise<void>;
  exportEmbeddings(): Promise<void>;
  importEmbeddings(file: File): Promise<void>;
  cancel(): void;
}

/** The identity of a loaded model: where it really came from and what it really is. Never edited, only replaced. */
export interface LoadedModel {
  sourceKind: SourceKind;
  sourceId: string;
  precision: Precision;
  dim: number;
  /** the cache key of every embedding this model makes */
  rep: Representation;
}

/**
 * What produced the vectors in use: the loaded model's representation, else the stored one last used (a model
 * loaded or embeddings imported before, maybe before a reload). It never reads the form, which may have changed.
 */
export function currentRepresentation(s: Pick<EmbedState, 'model' | 'activeRep'>): Representation | undefined {
  return s.model?.rep ?? s.activeRep;
}

let worker: EmbedWorker | undefined;
let running: AbortController | undefined;
/** The load in progress, resolving to whether it loaded; jobs that need the model wait on it. */
let modelLoad: Promise<boolean> | undefined;

const sameModel = (rep: Representation | undefined, loading: { sourceId: string; precision: Precision }) =>
  rep !== undefined && rep.kind !== 'raw-pixels' && rep.model === loading.sourceId && rep.precision === loading.precision;

/** The backbone chosen in the form (an unknown stored id falls back to the default). */
export function chosenBackbone(s: Pick<EmbedState, 'backboneId'>): Backbone {
  try {
    return backboneById(s.backboneId);
  } catch {
    return DEFAULT_BACKBONE;
  }
}

/** The backbone that made a representation's vectors, for labels (Results, Train): undefined for raw pixels. */
export const backboneOfRepresentation = (rep: Representation): Backbone | undefined => backboneOfRepKind(rep.kind, rep.model);

/**
 * The representation a job that reads stored embeddings should use. A model still loading is waited for (and
 * `onWait` told so) unless the stored representation already is that model's: then nothing needs the encoder.
 * A load that fails is named as the problem.
 */
export async function awaitRepresentation(onWait?: (message: string) => void): Promise<{ rep?: Representation; problem?: string }> {
  const s = useEmbedStore.getState();
  if (s.model) return { rep: s.model.rep };
  if (modelLoad && s.loading && !sameModel(s.activeRep, s.loading)) {
    onWait?.(`Waiting for ${familyName(chosenBackbone(s))} to finish loading…`);
    const ok = await modelLoad;
    const after = useEmbedStore.getState();
    if (ok && after.model) return { rep: after.model.rep };
    if (!ok && after.status.kind === 'error') return { problem: `${familyName(chosenBackbone(after))} could not be loaded: ${after.status.message}` };
  }
  return { rep: useEmbedStore.getState().activeRep };
}

/** Waits for a model load in progress; true when encoders are loaded afterwards. */
export async function awaitEncoders(onWait?: (message: string) => void): Promise<boolean> {
  if (modelLoad && !useEmbedStore.getState().model) {
    onWait?.(`Waiting for ${familyName(chosenBackbone(useEmbedStore.getState()))} to finish loading…`);
    await modelLoad;
  }
  return Boolean(useEmbedStore.getState().model);
}

/**
 * How a face is prepared for the loaded image encoder, exactly as the dataset's faces were (the worker reads it from
 * the backbone and its preprocessor_config.json): Classify and the occlusion maps embed with it.
 */
export const encoderPreprocessing = (vision: LoadedEncoder): ImagePreprocessing => vision.preprocessing ?? { ...CLIP_PREPROCESSING, size: vision.iface.imageSize! };

/** The embed worker holding the loaded encoders (the Classify section embeds its faces with them). */
export const loadedEmbedWorker = (): EmbedWorker | undefined => worker;

/** Text embeddings (L2-normalized, in prompt order) by the loaded text encoder, for other sections (Explore). */
export async function embedPromptTexts(prompts: string[]): Promise<{ embeddings: Float32Array; dim: number }> {
  await awaitEncoders();
  const s = useEmbedStore.getState();
  if (!worker || !s.loaded.text) {
    // Named after the backbone in use: one without a text tower (face-api's networks) cannot embed prompts at all.
    const rep = currentRepresentation(s);
    const backbone = rep && rep.kind !== 'raw-pixels' ? backboneOfRepresentation(rep) : chosenBackbone(s);
    if (backbone && !backbone.hasText) throw new Error(`The ${backbone.label} has no text tower: it cannot embed prompts.`);
    throw new Error(`Load ${familyName(backbone)} in the Embed section first: the prompts need its text encoder`);
  }
  return worker.embedPrompts({ prompts });
}

function currentSource(state: EmbedState): ModelSource {
  if (state.sourceKind === 'local') return localSource(state.localFiles);
  return state.sourceKind === 'hub' ? hubSource(state.repo) : mirrorSource(state.mirrorUrl, location.href);
}

/** What a zero-shot result was computed on and with. */
export interface ZeroShotIdentity {
  datasetId: string;
  templates: string[];
  rep: Representation;
  seconds: number;
  createdAt: string;
}

export const ZERO_SHOT_KIND = 'zero-shot';
export interface StoredZeroShot {
  result: ZeroShotResult;
  of: ZeroShotIdentity;
}
const zeroShotId = (of: Pick<ZeroShotIdentity, 'datasetId' | 'rep' | 'templates'>) => `${of.datasetId}|${representationKey(of.rep)}|${of.templates.join('\n')}`;
const describePrompts = (templates: string[]) => (templates.length === 1 ? `“${templates[0]}”` : `${templates.length} templates averaged`);

/** The family that made a representation's vectors (zero-shot records and summaries say which model scored). */
export const familyOfRep = (rep: Representation) => familyName(backboneOfRepKind(rep.kind, rep.model));

/** A zero-shot score's settings in one line: prompts, family, model, precision, images scored. */
export const describeZeroShot = (zeroShot: ZeroShotResult, of: ZeroShotIdentity) =>
  `${describePrompts(of.templates)}, ${familyOfRep(of.rep)} ${of.rep.model} ${of.rep.precision}, ${zeroShot.scored.toLocaleString('en-US')} of ${zeroShot.testImages.toLocaleString('en-US')} test images`;

type Set = (partial: Partial<EmbedState>) => void;

/** The precision of a file picked from disk, from its name as the hub names them (vision_model_quantized.onnx …). */
export function precisionOfFileName(name: string): Precision {
  if (/_(quantized|int8|uint8|q8)\b|_(quantized|int8|uint8|q8)\./i.test(name)) return 'quantized';
  if (/_fp16\b|_fp16\./i.test(name)) return 'fp16';
  return 'fp32';
}

/**
 * Loads the vision and text encoders. The state says what is loading while it loads; `model` and `loaded` are
 * replaced whole at the end with what was really loaded, so nothing pairs a new encoder with an old precision.
 * Resolves to whether the model loaded.
 */
async function loadModel(set: Set, get: () => EmbedState): Promise<boolean> {
  running?.abort();
  const controller = new AbortController();
  running = controller;
  const state = get();
  set({ loaded: {}, model: undefined, loading: undefined });
  const backbone = chosenBackbone(state);
  if (backbone.runtime === 'tfjs') return loadTfjsBackbone(set, get, backbone, controller);
  try {
    const source = currentSource(state);
    const status = useStatusStore.getState();
    if (!status.caps) await status.detect();
    const caps = useStatusStore.getState().caps!;
    const planned = chooseBackend(caps, state.backend);
    const precision = source.files
      ? precisionOfFileName(source.files.vision.name)
      : state.precision === 'auto'
        ? defaultPrecision(planned.kind, caps.webgpu?.shaderF16 ?? false)
        : state.precision;
    set({ loading: { sourceId: source.id, precision } });
    // A new worker per load: onnxruntime-web fixes its WASM thread count when it starts.
    worker?.terminate();
    worker = startEmbedWorker();
    const loaded: Partial<Record<EncoderKind, LoadedEncoder>> = {};
    // The image encoder, then the text tower where the backbone has one (with its own tokenizer: CLIP's BPE, SigLIP's SentencePiece).
    const kinds = backbone.text ? (['vision', 'text'] as const) : (['vision'] as const);
    for (const kind of kinds) {
      set({ status: { kind: 'working', message: `Loading the ${kind} encoder (${precision}) from ${source.id}…` } });
      loaded[kind] = await worker.loadEncoder(
        { source, kind, precision, backend: state.backend, backboneId: backbone.id },
        {
          signal: controller.signal,
          onProgress: (p) => {
            const percent = Number.isFinite(p.total) && p.total > 0 ? (100 * p.loaded) / p.total : undefined;
            const size = Number.isFinite(p.total) ? `${formatBytes(p.loaded)} of ${formatBytes(p.total)}` : formatBytes(p.loaded);
            const verb = source.files ? 'Reading' : 'Downloading';
            set({
              status: {
                kind: 'working',
                percent,
                message: `${verb} the ${kind} encoder ${percent === undefined ? '' : `${Math.round(percent)}% `}(${size})`,
              },
            });
          },
        },
      );
    }
    const { vision, text } = loaded as Required<Pick<typeof loaded, 'vision'>> & Pick<typeof loaded, 'text'>;
    const family = familyName(backbone);
    // The image encoder is the one a dataset runs through: its backend (and sessions) is what the status bar shows.
    useStatusStore.getState().reportBackend(family, { ...vision.backend, fallbackReason: vision.backend.fallbackReason ?? text?.backend.fallbackReason });
    const rep: Representation = { kind: backbone.repKind, model: source.id, precision, dim: vision.iface.dim, ...(vision.randomWeights ? { randomWeights: true } : {}) };
    const where = source.files ? ' from files on this computer' : vision.fromCache && (text?.fromCache ?? true) ? ' from this browser’s cache' : '';
    set({
      loaded: text ? { vision, text } : { vision },
      model: { sourceKind: state.sourceKind, sourceId: source.id, precision, dim: vision.iface.dim, rep },
      loading: undefined,
      activeRep: rep,
      status: {
        kind: 'done',
        message: `${family} ready: ${vision.iface.dim}-d image${text ? ' and text' : ''} embeddings, ${precision}, ${formatBytes(vision.bytes + (text?.bytes ?? 0))}${where}.`,
      },
    });
    void useStatusStore.getState().refreshStorage();
    await get().refreshCoverage();
    return true;
  } catch (error) {
    // What was downloaded completely is cached: trying again fetches only what is missing.
    return loadFailed(set, get, error);
  } finally {
    if (running === controller) running = undefined;
  }
}

/**
 * Loads a face-api backbone: its weights ship with the app (no source, no precision choice), it runs on
 * TensorFlow.js in the embed worker and has no text tower.
 */
async function loadTfjsBackbone(set: Set, get: () => EmbedState, backbone: Backbone, controller: AbortController): Promise<boolean> {
  try {
    set({ loading: { sourceId: backbone.id, precision: 'fp32' }, status: { kind: 'working', message: `Loading the ${backbone.label}…` } });
    worker?.terminate();
    worker = startEmbedWorker();
    const vision = await worker.loadFaceApi({ backboneId: backbone.id }, { signal: controller.signal });
    useStatusStore.getState().reportBackend('face-api', vision.backend);
    const rep: Representation = { kind: backbone.repKind, model: backbone.id, precision: 'fp32', dim: vision.iface.dim };
    set({
      loaded: { vision },
      model: { sourceKind: get().sourceKind, sourceId: backbone.id, precision: 'fp32', dim: vision.iface.dim, rep },
      loading: undefined,
      activeRep: rep,
      status: { kind: 'done', message: `${backbone.label} ready: ${vision.iface.dim}-d image features, ${formatBytes(vision.bytes)} of weights shipped with the app.` },
    });
    await get().refreshCoverage();
    return true;
  } catch (error) {
    return loadFailed(set, get, error);
  } finally {
    if (running === controller) running = undefined;
  }
}

/** A load that failed or was cancelled leaves nothing loaded and says so (with Try again when it failed). */
function loadFailed(set: Set, get: () => EmbedState, error: unknown): false {
  if (isCancelled(error)) set({ status: { kind: 'empty', message: 'Model loading was cancelled.' }, loaded: {}, loading: undefined });
  else set({ status: { kind: 'error', message: (error as Error).message, retry: { label: 'Try again', action: () => void get().loadModel() } }, loaded: {}, loading: undefined });
  return false;
}

export const useEmbedStore = create<EmbedState>((set, get) => ({
  backboneId: DEFAULT_BACKBONE.id,
  sourceKind: 'hub',
  repo: DEFAULT_CHECKPOINT.repo,
  mirrorUrl: '',
  localFiles: {},
  precision: 'auto',
  backend: 'auto',
  status: empty('No model loaded. The CLIP model is downloaded once from the chosen source and kept in this browser.'),
  loaded: {},
  sampleFirst: 2000,
  ensemble: false,
  template: PAPER_TEMPLATE,

  setSettings(settings) {
    // an error about loading from one source says nothing about the source chosen instead
    const switched = settings.sourceKind !== undefined && settings.sourceKind !== get().sourceKind && get().status.kind === 'error' && !get().loaded.vision;
    // Another family, another prompt convention (CLIP: the paper's "A {} human face"; SigLIP: "This is a photo of
    // {}."): a template still at one family's default follows the backbone chosen; one the user wrote stays.
    const next = settings.backboneId !== undefined && settings.template === undefined ? BACKBONES.find((b) => b.id === settings.backboneId)?.text?.template : undefined;
    const atDefault = BACKBONES.some((b) => b.text?.template === get().template);
    const template = next && atDefault ? { template: next } : {};
    set(switched ? { ...settings, ...template, status: empty('No model loaded. The CLIP model is downloaded once from the chosen source and kept in this browser.') } : { ...settings, ...template });
  },

  loadModel() {
    const load = loadModel(set, get);
    modelLoad = load;
    return load.then(() => {
      if (modelLoad === load) modelLoad = undefined;
    });
  },

  async refreshCoverage() {
    const rep = currentRepresentation(get());
    const datasetId = useDatasetStore.getState().activeId;
    if (!rep || !datasetId) return set({ coverage: undefined });
    if (worker?.crashed) return; // the next embedding run starts a new worker
    worker ??= startEmbedWorker();
    set({ coverage: await worker.coverage({ datasetId, rep }) });
  },

  async embedDataset() {
    // A crashed worker lost its sessions: load the model again (from the cache) and go on from what is stored.
    if (worker?.crashed && get().model) await get().loadModel();
    await awaitEncoders((message) => set({ status: { kind: 'working', message } }));
    const rep = currentRepresentation(get());
    const datasetId = useDatasetStore.getState().activeId;
    if (!worker || !get().model || !rep) return set({ status: { kind: 'error', message: 'Load the CLIP model first.' } });
    if (!datasetId) return set({ status: { kind: 'error', message: 'Import a dataset in the Dataset section first.' } });
    running?.abort();
    const controller = new AbortController();
    running = controller;
    let tracker: ProgressTracker | undefined;
    try {
      set({ status: { kind: 'working', message: 'Embedding the dataset…' } });
      const embedWorker = worker;
      // Two tabs embedding with one model would compute the same images twice: the second one is told, not queued.
      const result = await withLockOrFail(LOCKS.embedding(representationKey(rep)), 'Another tab is embedding with this model already; it goes on there, and this tab shows its work when it is done.', () => embedWorker.embedDataset(
        { datasetId, rep, batchSize: 16, sampleFirst: get().sampleFirst || undefined },
        {
          signal: controller.signal,
          onProgress: (p) => {
            tracker ??= new ProgressTracker('Embedding', p.total, 'img');
            const progress = tracker.update(p.done);
            set({
              status: { kind: 'working', message: formatProgress(progress), progress },
              coverage: { embedded: p.cached + p.done, total: p.cached + p.total },
              sampleReady: p.sample?.ready && p.done < p.total ? p.sample.images : undefined,
            });
          },
        },
      ));
      set({ status: { kind: 'done', message: describeEmbeddingRun(result) } });
    } catch (error) {
      set({
        status: isCancelled(error)
          ? { kind: 'done', message: 'Embedding paused: what was embedded is kept, and the next run continues from there.' }
          : { kind: 'error', message: (error as Error).message, retry: { label: 'Try again', action: () => void get().embedDataset() } },
      });
    } finally {
      if (running === controller) running = undefined;
      set({ sampleReady: undefined });
      announceChange('embeddings');
      // A WebGPU failure during the run moves the encoder to WASM: show the backend really in use.
      const vision = (await worker?.backends(undefined).catch(() => undefined))?.vision;
      if (vision) useStatusStore.getState().reportBackend(chosenBackbone(get()).family === 'face-api' ? 'face-api' : 'CLIP', vision);
      await get().refreshCoverage();
      void useStatusStore.getState().refreshStorage();
    }
  },

  async runZeroShot() {
    await awaitEncoders();
    const rep = get().model?.rep;
    const datasetId = useDatasetStore.getState().activeId;
    if (!worker || !rep || !datasetId) return set({ status: { kind: 'error', message: `Load ${familyName(chosenBackbone(get()))} and import a dataset first.` } });
    const templates = get().ensemble ? [...ENSEMBLE_TEMPLATES] : [get().template];
    const started = performance.now();
    try {
      const zeroShot = await worker.zeroShot({ datasetId, rep, prompts: promptsFor(templates) });
      const of: ZeroShotIdentity = { datasetId, templates, rep, seconds: (performance.now() - started) / 1000, createdAt: new Date().toISOString() };
      set({ zeroShot, zeroShotOf: of });
      // Stored per dataset, model and prompt set: a reload or a report afterwards still has it.
      await saveResult<StoredZeroShot>({
        kind: ZERO_SHOT_KIND,
        id: zeroShotId(of),
        datasetId,
        createdAt: of.createdAt,
        title: `Zero-shot ${describePrompts(templates)}, ${familyOfRep(rep)} ${rep.model} ${rep.precision}`,
        value: { result: zeroShot, of },
      });
    } catch (error) {
      set({ status: { kind: 'error', message: (error as Error).message } });
    }
  },

  async restoreZeroShot() {
    const datasetId = useDatasetStore.getState().activeId;
    const stored = datasetId ? (await listResults<StoredZeroShot>(ZERO_SHOT_KIND)).filter((r) => r.datasetId === datasetId) : [];
    const s = get();
    const rep = currentRepresentation(s);
    const templates = s.ensemble ? [...ENSEMBLE_TEMPLATES] : [s.template];
    const wanted = rep && datasetId ? zeroShotId({ datasetId, rep, templates }) : undefined;
    const chosen = stored.find((r) => r.id === wanted) ?? stored.at(-1);
    set({ zeroShot: chosen?.value.result, zeroShotOf: chosen?.value.of });
  },

  async exportEmbeddings() {
    const rep = currentRepresentation(get());
    const dataset = useDatasetStore.getState().datasets.find((d) => d.id === useDatasetStore.getState().activeId);
    if (!rep || !dataset) return;
    worker ??= startEmbedWorker();
    try {
      const { bytes, count } = await worker.exportEmbeddings({ datasetId: dataset.id, rep });
      const name = `${dataset.name.replace(/\.[^.]+$/, '')}-${(rep.model ?? rep.kind).replace(/[^\w.-]+/g, '_')}-${rep.precision ?? ''}-embeddings.zip`;
      downloadBlob(name, new Blob([bytes as BlobPart], { type: 'application/zip' }));
      set({ status: { kind: 'done', message: `Exported ${count.toLocaleString('en-US')} embeddings (${rep.dim}-d) as ${name}.` } });
    } catch (error) {
      set({ status: { kind: 'error', message: (error as Error).message } });
    }
  },

  async importEmbeddings(file) {
    worker ??= startEmbedWorker();
    try {
      const { rep, count } = await worker.importEmbeddings({ file });
      announceChange('embeddings');
      set({ activeRep: rep, status: { kind: 'done', message: `Imported ${count.toLocaleString('en-US')} embeddings made by ${rep.model ?? rep.kind} (${rep.precision ?? ''}, ${rep.dim}-d) from ${file.name}.` } });
      await get().refreshCoverage();
    } catch (error) {
      set({ status: { kind: 'error', message: `Could not import ${file.name}: ${(error as Error).message}` } });
    }
  },

  cancel() {
    running?.abort();
  },
}));

/**
 * "All 384 distinct images embedded (384 now, 0 from the cache): 6.1 img/s on 2 sessions, encoding 97% of the time."
 * The encoding share tells how much the reading, preprocessing and storing around the model cost.
 */
export function describeEmbeddingRun(r: EmbedDatasetProgress & EncoderUse): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const counts = `All ${n(r.cached + r.done)} distinct images embedded (${n(r.done)} now, ${n(r.cached)} from the cache)`;
  if (r.done === 0 || r.seconds <= 0) return `${counts}.`;
  const lost = r.sessionsLost > 0 ? ` (${r.sessionsLost} stopped mid-run, the others went on)` : '';
  const sessions = r.sessions > 1 ? ` on ${r.sessions} sessions${lost}` : '';
  return `${counts}: ${(r.done / r.seconds).toFixed(1)} img/s${sessions}, encoding ${Math.round(100 * r.encoderBusy)}% of the time.`;
}

// Another tab embedded or imported vectors: the coverage shown here follows.
onOtherTabChange('embeddings', () => void useEmbedStore.getState().refreshCoverage());
onResultsChanged(() => void useEmbedStore.getState().restoreZeroShot());
