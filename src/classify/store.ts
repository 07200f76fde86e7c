/**
 * Classify section state: the open photo, its faces (found or drawn by hand), and for each face the 48×48 gray
 * input, its embedding by the loaded backbone (CLIP, SigLIP, a face-api network: whatever the dataset was embedded
 * with), the trained MLP's and, where the backbone has a text tower, zero-shot's probabilities, and its nearest
 * training faces.
 * `classified` keeps every classified face's L2-normalized embedding and a short label, for the Explore map.
 */
import { create } from 'zustand';
import { empty, type SectionStatus } from '../lib/sectionStatus';
import { useDatasetStore } from '../dataset/store';
import { representationKey, type Representation } from '../embed/embeddingCache';
import { backboneOfRepKind, familyName } from '../embed/backbones';
import { pixelValues } from '../embed/preprocess';
import { ENSEMBLE_TEMPLATES, promptsFor } from '../embed/prompts';
import { awaitEncoders, chosenBackbone, currentRepresentation, encoderPreprocessing, loadedEmbedWorker, useEmbedStore } from '../embed/store';
import { argmaxRows, classEmbeddings, zeroShotProbabilities } from '../embed/zeroShot';
import { EMOTION_COUNT, EMOTIONS } from '../lib/emotions';
import { isCancelled } from '../lib/rpc';
import { l2NormalizeRows } from '../lib/vectors';
import { backboneName } from '../train/featureNames';
import { useTrainStore } from '../train/store';
import { startClassifyWorker, type ClassifyWorker } from './classifyWorker';
import type { Crop } from './crop';
import type { DetectorKind } from './detector';
import { FACE_SIDE } from '../dataset/faceSet';
import { planPrediction, runLabel } from './runChoice';

export interface OpenPhoto {
  id: string;
  name: string;
  bitmap: ImageBitmap;
  width: number;
  height: number;
  originalWidth: number;
  originalHeight: number;
}

export interface Neighbour {
  index: number;
  imageId: string;
  label: number;
  similarity: number;
  pixels: Uint8Array;
}

export interface FacePrediction {
  mlp?: { probabilities: number[]; model: string; runId: string };
  /** why the trained model gave no probabilities (none trained, wrong representation…) */
  mlpNote?: string;
  /** `family`: the backbone whose text tower scored it ("CLIP", "SigLIP") */
  zeroShot?: { probabilities: number[]; prompts: string; family: string };
  /** why there are no zero-shot scores (the backbone has no text tower) */
  zeroShotNote?: string;
  embedding?: Float32Array;
  rep?: Representation;
  neighbours?: Neighbour[];
  /** training faces searched (those embedded with the same model) */
  searched?: number;
  /** why there is no embedding (no model loaded…) */
  modelNote?: string;
  error?: string;
}

export interface Face {
  key: string;
  /** short label: "<photo> · face n" */
  label: string;
  source: 'detected' | 'drawn';
  score?: number;
  /** in the working image's pixels */
  crop: Crop;
  pixels?: Uint8Array;
  prediction?: FacePrediction;
  busy: boolean;
}

/**
 * A classified face for the Explore map: its L2-normalized embedding (same space as the cached dataset vectors) and
 * its nearest training faces; the Explore map places it by its nearest mapped faces (approximate).
 */
export interface ClassifiedFace {
  key: string;
  label: string;
  embedding: Float32Array;
  rep: Representation;
  predicted: string;
  /** dataset row index and image id of each nearest training face, best first */
  neighbours: { index: number; imageId: string; similarity: number }[];
}

interface ClassifyState {
  status: SectionStatus;
  detector: DetectorKind;
  /** chosen run id; '' = zero-shot only; undefined = the best match for the loaded model */
  runId?: string;
  photo?: OpenPhoto;
  faces: Face[];
  selected: number;
  classified: ClassifiedFace[];
  openPhoto(file: Blob, name: string): Promise<void>;
  setDetector(detector: DetectorKind): void;
  setRun(runId: string | undefined): void;
  setCrop(index: number, crop: Crop): void;
  addDrawnFace(crop: Crop): void;
  removeFace(index: number): void;
  select(index: number): void;
  reclassify(): void;
  cancel(): void;
}

let worker: ClassifyWorker | undefined;
let running: AbortController | undefined;
/** bumped by every new photo: results of an older photo are dropped */
let generation = 0;
const faceJobs = new Map<string, number>();
let promptCache: { key: string; classes: Float32Array } | undefined;

export function classifyWorker(): ClassifyWorker {
  if (!worker || worker.crashed) worker = startClassifyWorker();
  return worker;
}

export async function zeroShotClasses(rep: Representation): Promise<{ classes: Float32Array; prompts: string }> {
  const embed = useEmbedStore.getState();
  const templates = embed.ensemble ? [...ENSEMBLE_TEMPLATES] : [embed.template];
  const prompts = templates.length === 1 ? `“${templates[0]}”` : `${templates.length} templates averaged`;
  const key = `${representationKey(rep)}|${templates.join('|')}`;
  if (promptCache?.key !== key) {
    const perClass = promptsFor(templates);
    const { embeddings } = await loadedEmbedWorker()!.embedPrompts({ prompts: perClass.flat() });
    const classes = classEmbeddings(embeddings, perClass.flatMap((list, c) => list.map(() => c)), EMOTION_COUNT, rep.dim);
    promptCache = { key, classes };
  }
  return { classes: promptCache.classes, prompts };
}

/** Embeds, classifies and finds the neighbours of one 48×48 face. Never throws: problems become notes. */
async function predict(pixels: Uint8Array, runId: string | undefined): Promise<FacePrediction> {
  const prediction: FacePrediction = {};
  // A photo classified while the model reloads waits for it rather than being scored without it.
  await awaitEncoders();
  const embed = useEmbedStore.getState();
  const vision = embed.loaded.vision;
  const rep = currentRepresentation(embed);
  const embedWorker = loadedEmbedWorker();
  if (vision && rep && embedWorker) {
    // Prepared exactly as the dataset's faces were for this backbone (the worker says how).
    const preprocessing = encoderPreprocessing(vision);
    const face = { data: pixels, width: FACE_SIDE, height: FACE_SIDE, channels: 1 as const };
    const { embeddings } = await embedWorker.encodeImages({ pixelValues: pixelValues(face, preprocessing), count: 1 });
    // Normalized exactly as the embedding cache stores dataset faces.
    prediction.embedding = l2NormalizeRows(embeddings, rep.dim);
    prediction.rep = rep;
    const backbone = backboneOfRepKind(rep.kind, rep.model);
    if (embed.loaded.text) {
      const { classes, prompts } = await zeroShotClasses(rep);
      // scored as the family scores (CLIP's softmax, SigLIP's per-class sigmoid)
      prediction.zeroShot = { probabilities: Array.from(zeroShotProbabilities(prediction.embedding, classes, rep.dim, backbone?.text)), prompts, family: backboneName(rep) };
    } else if (backbone && !backbone.hasText) {
      prediction.zeroShotNote = `No zero-shot: the ${backboneName(rep)} has no text tower to embed the emotion prompts with.`;
    }
    const datasetId = useDatasetStore.getState().activeId;
    if (datasetId) {
      const near = await classifyWorker().nearestTrainingFaces({ datasetId, rep, vector: prediction.embedding, k: 8 });
      const area = FACE_SIDE * FACE_SIDE;
      prediction.neighbours = near.faces.map((f, i) => ({ ...f, pixels: near.pixels.slice(i * area, (i + 1) * area) }));
      prediction.searched = near.embedded;
    }
  } else {
    const chosen = chosenBackbone(embed);
    prediction.modelNote = `${familyName(chosen)} is not loaded: load it in the Embed section to get the embedding${chosen.hasText ? ', the zero-shot' : ''} and the trained model’s prediction.`;
  }
  const plan = planPrediction(runId, useTrainStore.getState().runs, prediction.embedding ? rep : undefined, Boolean(prediction.zeroShot));
  if ('note' in plan) {
    prediction.mlpNote = plan.note;
  } else {
    const features = plan.features === 'pixels' ? Float32Array.from(pixels, (v) => v / 255) : prediction.embedding!;
    const p = await classifyWorker().predictWithRun({ runId: plan.run.id, features, dim: plan.features === 'pixels' ? FACE_SIDE * FACE_SIDE : rep!.dim });
    prediction.mlp = { probabilities: Array.from(p), model: runLabel(plan.run), runId: plan.run.id };
  }
  return prediction;
}

const percent = (p: number[]) => `${EMOTIONS[argmaxRows(Float32Array.from(p), EMOTION_COUNT)[0]]} ${(100 * Math.max(...p)).toFixed(0)}%`;

export const useClassifyStore = create<ClassifyState>((set, get) => {
  const updateFace = (key: string, change: Partial<Face>) => set((s) => ({ faces: s.faces.map((f) => (f.key === key ? { ...f, ...change } : f)) }));

  /** Cuts and classifies one face; a newer request for the same face supersedes it. */
  async function process(key: string) {
    const photo = get().photo;
    const face = get().faces.find((f) => f.key === key);
    if (!photo || !face) return;
    const job = (faceJobs.get(key) ?? 0) + 1;
    faceJobs.set(key, job);
    const stale = () => faceJobs.get(key) !== job || get().photo?.id !== photo.id;
    updateFace(key, { busy: true });
    try {
      const pixels = await classifyWorker().cutFace({ id: photo.id, crop: face.crop });
      if (stale()) return;
      updateFace(key, { pixels });
      const prediction = await predict(pixels, get().runId);
      if (stale()) return;
      updateFace(key, { prediction, busy: false });
      if (prediction.embedding && prediction.rep) {
        const best = prediction.mlp ?? prediction.zeroShot;
        const entry: ClassifiedFace = {
          key,
          label: get().faces.find((f) => f.key === key)?.label ?? key,
          embedding: prediction.embedding,
          rep: prediction.rep,
          predicted: best ? percent(best.probabilities) : '',
          neighbours: (prediction.neighbours ?? []).map((n) => ({ index: n.index, imageId: n.imageId, similarity: n.similarity })),
        };
        set((s) => ({ classified: [...s.classified.filter((c) => c.key !== key), entry] }));
      }
    } catch (error) {
      if (!stale()) updateFace(key, { busy: false, prediction: { error: (error as Error).message } });
    }
  }

  /** Finds the open photo's faces with the chosen detector and classifies each. */
  async function detect(mine: number, signal: AbortSignal) {
    const photo = get().photo!;
    const name = photo.name;
    set({ status: { kind: 'working', message: 'Looking for faces…' } });
    const { faces, ms } = await classifyWorker().detectFaces(
      { id: photo.id, detector: get().detector },
      { signal, onProgress: (message) => set({ status: { kind: 'working', message } }) },
    );
    if (mine !== generation) return;
    const size =
      photo.originalWidth === photo.width ? `${photo.width}×${photo.height}` : `${photo.originalWidth}×${photo.originalHeight}, worked on at ${photo.width}×${photo.height}`;
    if (faces.length === 0) {
      set({ status: { kind: 'done', message: `No face found in ${name} (${size}). Draw a square around the face on the photo (drag across it), or press Add a crop by hand and set it below.` } });
      return;
    }
    set({
      faces: faces.map((f, i) => ({ key: `${photo.id}-${mine}-${i}`, label: `${name} · face ${i + 1}`, source: 'detected', score: f.score, crop: f.crop, busy: true })),
      status: {
        kind: 'done',
        message: `Found ${faces.length} face${faces.length === 1 ? '' : 's'} in ${name} (${size}) in ${(ms / 1000).toFixed(2)} s. Drag on the photo to add a face by hand; adjust a crop below.`,
      },
    });
    for (const face of get().faces) if (mine === generation) await process(face.key);
  }

  return {
    status: empty('Nothing to classify yet. A photo is reduced to a 48×48 grayscale face, embedded by the backbone loaded in Embed and classified by a trained model.'),
    detector: 'ssd',
    faces: [],
    selected: 0,
    classified: [],

    async openPhoto(file, name) {
      running?.abort();
      const controller = new AbortController();
      running = controller;
      const mine = ++generation;
      get().photo?.bitmap.close();
      set({ photo: undefined, faces: [], selected: 0, status: { kind: 'working', message: `Opening ${name}…` } });
      try {
        const opened = await classifyWorker().openPhoto({ file, name }, { signal: controller.signal });
        if (mine !== generation) return opened.bitmap.close();
        set({ photo: { ...opened, name } });
        await detect(mine, controller.signal);
      } catch (error) {
        if (mine !== generation) return;
        set({ status: isCancelled(error) ? { kind: 'empty', message: 'Cancelled.' } : { kind: 'error', message: (error as Error).message } });
      } finally {
        if (running === controller) running = undefined;
      }
    },

    setDetector(detector) {
      set({ detector });
      // The open photo is searched again with the other detector (its hand-drawn crops go with the old faces).
      if (!get().photo) return;
      running?.abort();
      const controller = new AbortController();
      running = controller;
      const mine = ++generation;
      set({ faces: [], selected: 0 });
      detect(mine, controller.signal)
        .catch((error: Error) => mine === generation && set({ status: isCancelled(error) ? { kind: 'empty', message: 'Cancelled.' } : { kind: 'error', message: error.message } }))
        .finally(() => running === controller && (running = undefined));
    },

    setRun(runId) {
      set({ runId });
      get().reclassify();
    },

    setCrop(index, crop) {
      const face = get().faces[index];
      if (!face) return;
      updateFace(face.key, { crop });
      void process(face.key);
    },

    addDrawnFace(crop) {
      const photo = get().photo;
      if (!photo) return;
      const n = get().faces.length + 1;
      const face: Face = { key: `${photo.id}-drawn-${Date.now().toString(36)}`, label: `${photo.name} · face ${n} (drawn)`, source: 'drawn', crop, busy: true };
      set((s) => ({ faces: [...s.faces, face], selected: s.faces.length }));
      void process(face.key);
    },

    removeFace(index) {
      const face = get().faces[index];
      if (!face) return;
      set((s) => ({ faces: s.faces.filter((_, i) => i !== index), selected: 0, classified: s.classified.filter((c) => c.key !== face.key) }));
    },

    select(index) {
      set({ selected: index });
    },

    reclassify() {
      for (const face of get().faces) void process(face.key);
    },

    cancel() {
      running?.abort();
    },
  };
});

/** What the session record keeps of Classify: what was classified (labels and predictions only: the photos stay in this browser). */
export function classifySessionPart() {
  const s = useClassifyStore.getState();
  return { detector: s.detector, runId: s.runId ?? 'auto', classified: s.classified.map((c) => ({ label: c.label, predicted: c.predicted, model: c.rep.model })) };
}
