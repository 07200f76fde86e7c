/**
 * CLIP preprocessing of occluded faces, run in a worker of its own (workers/occlusion.worker.ts): a face's bicubic
 * resize to 224 takes milliseconds, and a map is 50 faces, a per-emotion study thousands, so it stays off the page.
 */
import { FACE_SIDE } from '../dataset/faceSet';
import { clipPixelValues } from '../embed/preprocess';
import { connect, transfer, type Client } from '../lib/rpc';

/** `count` gray faces of 48×48 back to back → CLIP pixel_values [count, 3, size, size]. */
export function clipPixelValuesOfFaces(faces: Uint8Array, count: number, size: number): Float32Array {
  const area = FACE_SIDE * FACE_SIDE;
  const out = new Float32Array(count * 3 * size * size);
  for (let i = 0; i < count; i++) clipPixelValues({ data: faces.subarray(i * area, (i + 1) * area), width: FACE_SIDE, height: FACE_SIDE, channels: 1 }, size, out, i * 3 * size * size);
  return out;
}

export const occlusionWorkerApi = {
  async clipPixelValues(input: { faces: Uint8Array; count: number; size: number }): Promise<Float32Array> {
    const out = clipPixelValuesOfFaces(input.faces, input.count, input.size);
    return transfer(out, [out.buffer]);
  },
};
export type OcclusionWorkerApi = typeof occlusionWorkerApi;

let worker: Client<OcclusionWorkerApi> | undefined;
export function occlusionWorker(): Client<OcclusionWorkerApi> {
  if (!worker || worker.crashed) worker = connect<OcclusionWorkerApi>(new Worker(new URL('../../workers/occlusion.worker.ts', import.meta.url), { type: 'module', name: 'occlusion' }));
  return worker;
}
