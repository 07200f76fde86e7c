/** Embed section state: which CLIP model, where it comes from, on which backend, and its loading state. */
import { create } from 'zustand';
import { empty, type SectionStatus } from '../app/sectionStatus';
import { useStatusStore } from '../app/statusStore';
import { chooseBackend, type BackendPreference } from '../lib/compute';
import { formatBytes, formatProgress, ProgressTracker } from '../lib/progress';
import { isCancelled } from '../lib/rpc';
import { announceChange, LOCKS, onOtherTabChange, withLockOrFail } from '../lib/tabs';
import { useDatasetStore } from '../dataset/store';
import { useResultsStore } from '../results/store';
import type { EncoderUse, LoadedEncoder } from '../../workers/embed.worker';
import type { EmbedDatasetProgress } from './embedDataset';
import { representationKey, type Representation } from './embeddingCache';
import { ENSEMBLE_TEMPLATES, PAPER_TEMPLATE, promptsFor } from './prompts';
import type { ZeroShotResult } from './zeroShotRun';
import { startEmbedWorker, type EmbedWorker } from './embedWorker';
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

export type SourceKind = 'hub' | 'mirror' | 'local';

interface EmbedState {
  sourceKind: SourceKind;
  repo: string;
  mirrorUrl: string;
  localFiles: Partial<LocalModelFiles>;
  precision: Precision | 'auto';
  backend: BackendPreference;
  status: SectionStatus;
  loaded: Partial<Record<EncoderKind, LoadedEncoder>>;
  /** the precision actually loaded (resolved from 'auto') */
  loadedPrecision?: Precision;
  /** embed a stratified sample of this many images first (0: dataset order) */
  sampleFirst: number;
  ensemble: boolean;
  /** the single prompt template ({} stands for the emotion), the paper's by default */
  template: string;
  coverage?: { embedded: number; total: number };
  /** the representation of the last imported embeddings file, usable without loading its model */
  importedRep?: Representation;
  zeroShot?: ZeroShotResult;
  setSettings(settings: Partial<Pick<EmbedState, 'sourceKind' | 'repo' | 'mirrorUrl' | 'localFiles' | 'precision' | 'backend' | 'sampleFirst' | 'ensemble' | 'template'>>): void;
  loadModel(): Promise<void>;
  embedDataset(): Promise<void>;
  refreshCoverage(): Promise<void>;
  runZeroShot(): Promise<void>;
  exportEmbeddings(): Promise<void>;
  importEmbeddings(file: File): Promise<void>;
  cancel(): void;
}

/** What produced the vectors: the cache key of every embedding this model makes. */
export function currentRepresentation(
  s: Pick<EmbedState, 'loaded' | 'loadedPrecision' | 'sourceKind' | 'repo' | 'mirrorUrl' | 'localFiles' | 'importedRep'>,
): Representation | undefined {
  const vision = s.loaded.vision;
  if (!vision || !s.loadedPrecision) return s.importedRep;
  return { kind: 'clip', model: currentSource(s as EmbedState).id, precision: s.loadedPrecision, dim: vision.iface.dim };
}

let worker: EmbedWorker | undefined;
let running: AbortController | undefined;

/** The embed worker holding the loaded encoders (the Classify section embeds its faces with them). */
export const loadedEmbedWorker = (): EmbedWorker | undefined => worker;

/** Text embeddings (L2-normalized, in prompt order) by the loaded text encoder, for other sections (Explore). */
export async function embedPromptTexts(prompts: string[]): Promise<{ embeddings: Float32Array; dim: number }> {
  if (!worker || !useEmbedStore.getState().loaded.text) throw new Error('Load CLIP in the Embed section first: the prompts need its text encoder');
  return worker.embedPrompts({ prompts });
}

function currentSource(state: EmbedState): ModelSource {
  if (state.sourceKind === 'local') return localSource(state.localFiles);
  return state.sourceKind === 'hub' ? hubSource(state.repo) : mirrorSource(state.mirrorUrl, location.href);
}

export const useEmbedStore = create<EmbedState>((set, get) => ({
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
    set(switched ? { ...settings, status: empty('No model loaded. The CLIP model is downloaded once from the chosen source and kept in this browser.') } : settings);
  },

  async loadModel() {
    running?.abort();
    const controller = new AbortController();
    running = controller;
    const state = get();
    try {
      const source = currentSource(state);
      const status = useStatusStore.getState();
      if (!status.caps) await status.detect();
      const caps = useStatusStore.getState().caps!;
      const planned = chooseBackend(caps, state.backend);
      const precision = state.precision === 'auto' ? defaultPrecision(planned.kind, caps.webgpu?.shaderF16 ?? false) : state.precision;
      // A new worker per load: onnxruntime-web fixes its WASM thread count when it starts.
      worker?.terminate();
      worker = startEmbedWorker();
      const loaded: Partial<Record<EncoderKind, LoadedEncoder>> = {};
      set({ loaded });
      for (const kind of ['vision', 'text'] as const) {
        set({ status: { kind: 'working', message: `Loading the ${kind} encoder (${precision}) from ${source.id}…` } });
        loaded[kind] = await worker.loadEncoder(
          { source, kind, precision, backend: state.backend },
          {
            signal: controller.signal,
            onProgress: (p) => {
              const percent = Number.isFinite(p.total) && p.total > 0 ? (100 * p.loaded) / p.total : undefined;
              const size = Number.isFinite(p.total) ? `${formatBytes(p.loaded)} of ${formatBytes(p.total)}` : formatBytes(p.loaded);
              set({
                status: {
                  kind: 'working',
                  percent,
                  message: `Downloading the ${kind} encoder ${percent === undefined ? '' : `${Math.round(percent)}% `}(${size})`,
                },
              });
            },
          },
        );
      }
      const { vision, text } = loaded as Required<typeof loaded>;
      // The image encoder is the one a dataset runs through: its backend (and sessions) is what the status bar shows.
      useStatusStore.getState().reportBackend('CLIP', { ...vision.backend, fallbackReason: vision.backend.fallbackReason ?? text.backend.fallbackReason });
      set({
        loaded: { ...loaded },
        loadedPrecision: precision,
        zeroShot: undefined,
        status: {
          kind: 'done',
          message:
            `CLIP ready: ${vision.iface.dim}-d image and text embeddings, ${precision}, ` +
            `${formatBytes(vision.bytes + text.bytes)}${vision.fromCache && text.fromCache ? ' from this browser’s cache' : ''}.`,
        },
      });
      void useStatusStore.getState().refreshStorage();
      await get().refreshCoverage();
    } catch (error) {
      if (isCancelled(error)) set({ status: { kind: 'empty', message: 'Model loading was cancelled.' }, loaded: {} });
      // What was downloaded completely is cached: trying again fetches only what is missing.
      else set({ status: { kind: 'error', message: (error as Error).message, retry: { label: 'Try again', action: () => void get().loadModel() } }, loaded: {} });
    } finally {
      if (running === controller) running = undefined;
    }
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
    if (worker?.crashed && get().loaded.vision) await get().loadModel();
    const rep = currentRepresentation(get());
    const datasetId = useDatasetStore.getState().activeId;
    if (!worker || !rep) return set({ status: { kind: 'error', message: 'Load the CLIP model first.' } });
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
            set({ status: { kind: 'working', message: formatProgress(progress), progress }, coverage: { embedded: p.cached + p.done, total: p.cached + p.total } });
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
      announceChange('embeddings');
      // A WebGPU failure during the run moves the encoder to WASM: show the backend really in use.
      const vision = (await worker?.backends(undefined).catch(() => undefined))?.vision;
      if (vision) useStatusStore.getState().reportBackend('CLIP', vision);
      await get().refreshCoverage();
      void useStatusStore.getState().refreshStorage();
    }
  },

  async runZeroShot() {
    const rep = currentRepresentation(get());
    const datasetId = useDatasetStore.getState().activeId;
    if (!worker || !rep || !datasetId) return set({ status: { kind: 'error', message: 'Load CLIP and import a dataset first.' } });
    const templates = get().ensemble ? [...ENSEMBLE_TEMPLATES] : [get().template];
    const started = performance.now();
    try {
      const zeroShot = await worker.zeroShot({ datasetId, rep, prompts: promptsFor(templates) });
      set({ zeroShot });
      useResultsStore.getState().report({
        id: 'zero-shot',
        test: zeroShot.evaluation.accuracy,
        settings: `${templates.length === 1 ? `“${templates[0]}”` : `${templates.length} templates averaged`}, ${rep.model} ${rep.precision}, ${zeroShot.scored.toLocaleString('en-US')} of ${zeroShot.testImages.toLocaleString('en-US')} test images`,
        seconds: (performance.now() - started) / 1000,
      });
    } catch (error) {
      set({ status: { kind: 'error', message: (error as Error).message } });
    }
  },

  async exportEmbeddings() {
    const rep = currentRepresentation(get());
    const dataset = useDatasetStore.getState().datasets.find((d) => d.id === useDatasetStore.getState().activeId);
    if (!rep || !dataset) return;
    worker ??= startEmbedWorker();
    try {
      const { bytes, count } = await worker.exportEmbeddings({ datasetId: dataset.id, rep });
      const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/zip' }));
      const name = `${dataset.name.replace(/\.[^.]+$/, '')}-${(rep.model ?? rep.kind).replace(/[^\w.-]+/g, '_')}-${rep.precision ?? ''}-embeddings.zip`;
      Object.assign(document.createElement('a'), { href: url, download: name }).click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
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
      set({ importedRep: rep, status: { kind: 'done', message: `Imported ${count.toLocaleString('en-US')} embeddings made by ${rep.model ?? rep.kind} (${rep.precision ?? ''}, ${rep.dim}-d) from ${file.name}.` } });
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
  const sessions = r.sessions > 1 ? ` on ${r.sessions} sessions` : '';
  return `${counts}: ${(r.done / r.seconds).toFixed(1)} img/s${sessions}, encoding ${Math.round(100 * r.encoderBusy)}% of the time.`;
}

// Another tab embedded or imported vectors: the coverage shown here follows.
onOtherTabChange('embeddings', () => void useEmbedStore.getState().refreshCoverage());
