/**
 * The occlusion job: every face's intact and occluded copies go through one classifier in batches (so the encoder
 * sees full batches across faces), with progress (count, rate, ETA) and cancel, and come back as occlusion maps.
 * The classifier is a function, so the same job serves CLIP + a saved run, CLIP zero-shot, raw-pixel runs and the
 * synthetic encoders of the unit tests.
 */
import { FACE_SIDE } from '../dataset/faceSet';
import { EMOTION_COUNT } from '../lib/emotions';
import { ProgressTracker, type Progress } from '../lib/progress';
import { throwIfCancelled } from '../lib/rpc';
import { fillValue, occludedFaces, occlusionGrid, pixelHeatmap, probabilityDrops, type OcclusionMap, type OcclusionSettings } from './occlusion';

/** Class probabilities (count × classCount) for `count` gray faces of side×side pixels laid back to back. */
export type FaceClassifier = (faces: Uint8Array, count: number, signal: AbortSignal) => Promise<Float32Array>;

/** Turns faces into feature rows (count × dim): an image encoder, or the pixels themselves. */
export type FaceEncoder = (faces: Uint8Array, count: number, signal: AbortSignal) => Promise<{ features: Float32Array; dim: number }>;
/** Class probabilities for feature rows. */
export type FeatureScorer = (features: Float32Array, dim: number, count: number) => Promise<Float32Array>;

/** An encoder and a scorer as one classifier. */
export const composeClassifier =
  (encode: FaceEncoder, score: FeatureScorer): FaceClassifier =>
  async (faces, count, signal) => {
    const { features, dim } = await encode(faces, count, signal);
    throwIfCancelled(signal);
    return score(features, dim, count);
  };

/** Raw-pixel runs learned on pixels scaled to 0–1: the occluded pixels are their features, no encoder involved. */
export const pixelFeatures: FaceEncoder = async (faces) => ({ features: Float32Array.from(faces, (v) => v / 255), dim: FACE_SIDE * FACE_SIDE });

export interface OcclusionJobOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** images per classifier call */
  batchSize?: number;
  classCount?: number;
  side?: number;
  now?: () => number;
}

export interface OcclusionInput {
  pixels: Uint8Array;
  /** the class to follow; the class predicted for the intact face when absent */
  target?: number;
}

/** Images the job classifies for `faces` faces (each: the intact face and one copy per grid cell). */
export function occlusionImageCount(faces: number, settings: Pick<OcclusionSettings, 'patch' | 'stride'>, side = FACE_SIDE): number {
  const { cells } = occlusionGrid(settings, side);
  return faces * (1 + cells * cells);
}

export async function occlusionMaps(inputs: OcclusionInput[], settings: OcclusionSettings, classify: FaceClassifier, options: OcclusionJobOptions = {}): Promise<OcclusionMap[]> {
  const side = options.side ?? FACE_SIDE;
  const area = side * side;
  const classCount = options.classCount ?? EMOTION_COUNT;
  const batchSize = Math.max(1, options.batchSize ?? 16);
  const signal = options.signal ?? new AbortController().signal;
  const grid = occlusionGrid(settings, side);
  const perFace = 1 + grid.cells * grid.cells;
  const total = inputs.length * perFace;
  const tracker = new ProgressTracker('Occluding', total, 'faces', 5000, options.now);
  const probabilities = new Float32Array(total * classCount);
  // Occluded copies are made one face at a time, when its first image enters a batch: a per-emotion study of
  // hundreds of faces never holds all its copies at once.
  let made: { face: number; images: Uint8Array } | undefined;
  const image = (i: number): Uint8Array => {
    const face = Math.floor(i / perFace);
    const k = i % perFace;
    if (made?.face !== face) {
      const pixels = inputs[face].pixels;
      made = { face, images: occludedFaces(pixels, grid, fillValue(pixels, settings.fill)) };
    }
    return k === 0 ? inputs[face].pixels : made.images.subarray((k - 1) * area, k * area);
  };
  options.onProgress?.(tracker.update(0));
  for (let start = 0; start < total; start += batchSize) {
    throwIfCancelled(signal);
    const count = Math.min(batchSize, total - start);
    const batch = new Uint8Array(count * area);
    for (let j = 0; j < count; j++) batch.set(image(start + j), j * area);
    const p = await classify(batch, count, signal);
    if (p.length !== count * classCount) throw new Error(`The classifier gave ${p.length} probabilities for ${count} faces of ${classCount} classes`);
    probabilities.set(p, start * classCount);
    options.onProgress?.(tracker.update(start + count));
  }
  throwIfCancelled(signal);
  return inputs.map((input, f) => {
    const intact = probabilities.subarray(f * perFace * classCount, (f * perFace + 1) * classCount);
    const target = input.target ?? argmax(intact);
    const drops = probabilityDrops(intact[target], probabilities.subarray((f * perFace + 1) * classCount, (f + 1) * perFace * classCount), classCount, target);
    return { settings: { ...settings }, grid, target, base: intact[target], drops, heatmap: pixelHeatmap(drops, grid) };
  });
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
