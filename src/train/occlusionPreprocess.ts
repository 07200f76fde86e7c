/**
 * Preprocessing of occluded faces for the loaded backbone's image encoder (CLIP's bicubic resize and normalisation,
 * SigLIP's, face-api's RGB faces: whatever the encoder declares), run in a worker of its own
 * (workers/occlusion.worker.ts): a face's resize to 224 takes milliseconds, and a map is 50 faces, a per-emotion
 * study thousands, so it stays off the page.
 */
import { FACE_SIDE } from '../dataset/faceSet';
import type { ImagePreprocessing } from '../embed/backbones';
import { pixelValues, valuesPerImage } from '../embed/preprocess';
import { connect, transfer, type Client } from '../lib/rpc';

/** `count` gray faces of 48×48 back to back → the encoder's batch under `preprocessing`, face after face. */
export function pixelValuesOfFaces(faces: Uint8Array, count: number, preprocessing: ImagePreprocessing): Float32Array {
  const area = FACE_SIDE * FACE_SIDE;
  const each = valuesPerImage(preprocessing, FACE_SIDE);
  const out = new Float32Array(count * each);
  for (let i = 0; i < count; i++) pixelValues({ data: faces.subarray(i * area, (i + 1) * area), width: FACE_SIDE, height: FACE_SIDE, channels: 1 }, preprocessing, out, i * each);
  return out;
}

export const occlusionWorkerApi = {
  async pixelValues(input: { faces: Uint8Array; count: number; preprocessing: ImagePreprocessing }): Promise<Float32Array> {
    const out = pixelValuesOfFaces(input.faces, input.count, input.preprocessing);
    return transfer(out, [out.buffer]);
  },
};
export type OcclusionWorkerApi = typeof occlusionWorkerApi;

let worker: Client<OcclusionWorkerApi> | undefined;
export function occlusionWorker(): Client<OcclusionWorkerApi> {
  if (!worker || worker.crashed) worker = connect<OcclusionWorkerApi>(new Worker(new URL('../../workers/occlusion.worker.ts', import.meta.url), { type: 'module', name: 'occlusion' }));
  return worker;
}
