/** Embed section state: which CLIP model, where it comes from, on which backend, and its loading state. */
import { create } from 'zustand';
import { empty, type SectionStatus } from '../app/sectionStatus';
import { useStatusStore } from '../app/statusStore';
import { chooseBackend, type BackendPreference } from '../lib/compute';
import { formatBytes } from '../lib/progress';
import { isCancelled } from '../lib/rpc';
import type { LoadedEncoder } from '../../workers/embed.worker';
import { startEmbedWorker, type EmbedWorker } from './embedWorker';
import { DEFAULT_CHECKPOINT, defaultPrecision, hubSource, mirrorSource, type EncoderKind, type ModelSource, type Precision } from './modelSource';

export type SourceKind = 'hub' | 'mirror';

interface EmbedState {
  sourceKind: SourceKind;
  repo: string;
  mirrorUrl: string;
  precision: Precision | 'auto';
  backend: BackendPreference;
  status: SectionStatus;
  loaded: Partial<Record<EncoderKind, LoadedEncoder>>;
  setSettings(settings: Partial<Pick<EmbedState, 'sourceKind' | 'repo' | 'mirrorUrl' | 'precision' | 'backend'>>): void;
  loadModel(): Promise<void>;
  cancel(): void;
}

let worker: EmbedWorker | undefined;
let running: AbortController | undefined;

function currentSource(state: EmbedState): ModelSource {
  return state.sourceKind === 'hub' ? hubSource(state.repo) : mirrorSource(state.mirrorUrl, location.href);
}

export const useEmbedStore = create<EmbedState>((set, get) => ({
  sourceKind: 'hub',
  repo: DEFAULT_CHECKPOINT.repo,
  mirrorUrl: '',
  precision: 'auto',
  backend: 'auto',
  status: empty('No model loaded. The CLIP model is downloaded once from the chosen source and kept in this browser.'),
  loaded: {},

  setSettings(settings) {
    set(settings);
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
        useStatusStore.getState().reportBackend('CLIP', loaded[kind]!.backend);
      }
      const { vision, text } = loaded as Required<typeof loaded>;
      set({
        loaded: { ...loaded },
        status: {
          kind: 'done',
          message:
            `CLIP ready: ${vision.iface.dim}-d image and text embeddings, ${precision}, ` +
            `${formatBytes(vision.bytes + text.bytes)}${vision.fromCache && text.fromCache ? ' from this browser’s cache' : ''}.`,
        },
      });
      void useStatusStore.getState().refreshStorage();
    } catch (error) {
      const message = isCancelled(error) ? 'Model loading was cancelled.' : (error as Error).message;
      set({ status: { kind: isCancelled(error) ? 'empty' : 'error', message }, loaded: {} });
    } finally {
      if (running === controller) running = undefined;
    }
  },

  cancel() {
    running?.abort();
  },
}));
