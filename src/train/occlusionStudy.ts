/**
 * Occlusion maps in the notebook: the patch settings every map uses, and the per-emotion study of a run (the mean
 * map over a seeded sample of the test faces of each emotion, following that emotion's probability), stored as a
 * result record so it survives a reload, shows in Manage storage, the report and the session record.
 */
import { create } from 'zustand';
import { empty, type SectionStatus } from '../lib/sectionStatus';
import { FACE_AREA, FACE_SIDE } from '../dataset/faceSet';
import { ingestWorker } from '../dataset/store';
import type { Representation } from '../embed/embeddingCache';
import { EMOTION_COUNT } from '../lib/emotions';
import { formatProgress } from '../lib/progress';
import { seededRandom } from '../lib/random';
import { isCancelled } from '../lib/rpc';
import { listResults, onResultsChanged, saveResult, type ResultRecord } from '../lib/resultRecords';
import { DEFAULT_OCCLUSION, meanMaps, occlusionGrid, type OcclusionSettings } from './occlusion';
import { occlusionImageCount, occlusionMaps } from './occlusionJob';
import { classifierFor, occlusionProblem, type OcclusionSource } from './occlusionSources';
import { emotionName } from './occlusionDraw';

export const OCCLUSION_KIND = 'occlusion';

export interface StudySettings {
  /** test faces per emotion, at most */
  perEmotion: number;
  seed: number;
}
export const DEFAULT_STUDY: StudySettings = { perEmotion: 10, seed: 1 };

export interface EmotionMap {
  emotion: number;
  /** dataset row indices of the faces averaged */
  indices: number[];
  /** mean probability of the emotion on the intact faces */
  meanBase: number;
  /** mean drop per grid cell, row-major */
  drops: Float32Array;
  /** mean per-pixel map, side×side */
  heatmap: Float32Array;
  /** the mean of the faces, to draw the map over */
  meanFace: Uint8Array;
}

export interface OcclusionStudy {
  runId: string;
  runLabel: string;
  datasetId: string;
  featureKind: 'clip' | 'raw-pixels';
  rep?: Representation;
  settings: OcclusionSettings;
  study: StudySettings;
  side: number;
  cells: number;
  starts: number[];
  emotions: EmotionMap[];
  seconds: number;
}

/** Up to `perClass` positions of each class in `truth`, drawn by a seeded shuffle (same seed, same faces). */
export function sampleByClass(truth: ArrayLike<number>, perClass: number, seed: number, classCount = EMOTION_COUNT): number[][] {
  const random = seededRandom(seed);
  const byClass: number[][] = Array.from({ length: classCount }, () => []);
  for (let j = 0; j < truth.length; j++) byClass[truth[j]]?.push(j);
  return byClass.map((positions) => {
    for (let i = positions.length - 1; i > 0; i--) {
      const k = Math.floor(random() * (i + 1));
      [positions[i], positions[k]] = [positions[k], positions[i]];
    }
    return positions.slice(0, Math.max(0, perClass)).sort((a, b) => a - b);
  });
}

export const studyTitle = (s: Pick<OcclusionStudy, 'runLabel' | 'study' | 'settings'>) =>
  `Occlusion maps per emotion: ${s.runLabel}; up to ${s.study.perEmotion} test faces each, seed ${s.study.seed}, ${s.settings.patch}-px patches, stride ${s.settings.stride}`;

interface OcclusionState {
  settings: OcclusionSettings;
  study: StudySettings;
  status: SectionStatus;
  /** stored studies, oldest first */
  records: ResultRecord<OcclusionStudy>[];
  setSettings(settings: Partial<OcclusionSettings>): void;
  setStudy(study: Partial<StudySettings>): void;
  restore(): Promise<void>;
  runStudy(input: { source: OcclusionSource; datasetId: string; testPredictions: { indices: Uint32Array; truth: Uint8Array } }): Promise<void>;
  cancel(): void;
}

let running: AbortController | undefined;
let listening = false;

export const useOcclusionStore = create<OcclusionState>((set, get) => ({
  settings: DEFAULT_OCCLUSION,
  study: DEFAULT_STUDY,
  status: empty('No per-emotion occlusion maps yet for this run.'),
  records: [],

  setSettings(settings) {
    set((s) => ({ settings: { ...s.settings, ...settings } }));
  },
  setStudy(study) {
    set((s) => ({ study: { ...s.study, ...study } }));
  },

  async restore() {
    if (!listening) {
      listening = true;
      // Another tab's study, or one deleted in Manage storage, shows here at once.
      onResultsChanged(() => void get().restore());
    }
    set({ records: await listResults<OcclusionStudy>(OCCLUSION_KIND) });
  },

  async runStudy({ source, datasetId, testPredictions }) {
    const problem = occlusionProblem(source);
    if (problem) return set({ status: { kind: 'error', message: problem } });
    running?.abort();
    const controller = new AbortController();
    running = controller;
    const { settings, study } = get();
    const started = performance.now();
    try {
      occlusionGrid(settings);
      const sample = sampleByClass(testPredictions.truth, study.perEmotion, study.seed);
      const positions = sample.flat();
      if (positions.length === 0) throw new Error('This run has no test faces to occlude');
      set({ status: { kind: 'working', message: `Reading ${positions.length} test faces…` } });
      const indices = positions.map((j) => testPredictions.indices[j]);
      const pixels = await ingestWorker().faces({ id: datasetId, indices });
      const inputs = positions.map((j, k) => ({ pixels: pixels.slice(k * FACE_AREA, (k + 1) * FACE_AREA), target: testPredictions.truth[j] }));
      const maps = await occlusionMaps(inputs, settings, classifierFor(source), {
        signal: controller.signal,
        onProgress: (progress) => set({ status: { kind: 'working', message: formatProgress(progress), progress } }),
      });
      const grid = maps[0].grid;
      const emotions: EmotionMap[] = [];
      let k = 0;
      for (const [emotion, chosen] of sample.entries()) {
        const mine = maps.slice(k, k + chosen.length);
        const faces = inputs.slice(k, k + chosen.length);
        k += chosen.length;
        if (mine.length === 0) continue;
        const meanFace = Uint8Array.from(meanMaps(faces.map((f) => Float32Array.from(f.pixels))), Math.round);
        emotions.push({
          emotion,
          indices: chosen.map((j) => testPredictions.indices[j]),
          meanBase: mine.reduce((sum, m) => sum + m.base, 0) / mine.length,
          drops: meanMaps(mine.map((m) => m.drops)),
          heatmap: meanMaps(mine.map((m) => m.heatmap)),
          meanFace,
        });
      }
      const value: OcclusionStudy = {
        runId: source.id,
        runLabel: source.label,
        datasetId,
        featureKind: source.features,
        rep: source.rep,
        settings: { ...settings },
        study: { ...study },
        side: FACE_SIDE,
        cells: grid.cells,
        starts: grid.starts,
        emotions,
        seconds: (performance.now() - started) / 1000,
      };
      // One stored study per run: doing it again (other settings) replaces it.
      await saveResult({ kind: OCCLUSION_KIND, id: source.id, datasetId, createdAt: new Date().toISOString(), title: studyTitle(value), value });
      await get().restore();
      set({
        status: {
          kind: 'done',
          message: `Averaged ${positions.length} faces' occlusion maps (${occlusionImageCount(positions.length, settings)} images classified) in ${value.seconds.toFixed(1)} s: ${emotions.map((e) => `${emotionName(e.emotion)} ${e.indices.length}`).join(', ')}.`,
        },
      });
    } catch (error) {
      set({ status: isCancelled(error) ? { kind: 'empty', message: 'Cancelled: nothing was stored.' } : { kind: 'error', message: (error as Error).message } });
    } finally {
      if (running === controller) running = undefined;
    }
  },

  cancel() {
    running?.abort();
  },
}));
