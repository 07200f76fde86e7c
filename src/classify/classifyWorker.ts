/** Starts the classify worker and returns its typed client (one place that knows the worker's URL). */
import type { Representation } from '../embed/embeddingCache';
import { connect, type Client, type JobContext } from '../lib/rpc';
import type { Crop } from './crop';
import type { DetectedFace, DetectorKind } from './detector';

export interface FoundFace extends DetectedFace {
  /** the FER-framed crop, in the working image's pixels */
  crop: Crop;
}

/** A training face near a query (the classify worker's nearestTrainingFaces). */
export interface NearFace {
  index: number;
  imageId: string;
  label: number;
  similarity: number;
}

/** The classify worker's contract (workers/classify.worker.ts implements it; each job is documented there). */
export type ClassifyWorkerApi = {
  backend(): Promise<string>;
  openPhoto(input: { file: Blob; name: string }): Promise<{ id: string; bitmap: ImageBitmap; width: number; height: number; originalWidth: number; originalHeight: number }>;
  detectFaces(input: { id: string; detector: DetectorKind }, ctx: JobContext<string>): Promise<{ faces: FoundFace[]; ms: number }>;
  cutFace(input: { id: string; crop: Crop }): Promise<Uint8Array>;
  originalCrop(input: { id: string; crop: Crop }): Promise<Crop>;
  predictWithRun(input: { runId: string; features: Float32Array; dim: number }): Promise<Float32Array>;
  nearestTrainingFaces(input: { datasetId: string; rep: Representation; vector: Float32Array; k: number }): Promise<{ embedded: number; faces: NearFace[]; pixels: Uint8Array }>;
};

export type ClassifyWorker = Client<ClassifyWorkerApi>;

export function startClassifyWorker(): ClassifyWorker {
  return connect<ClassifyWorkerApi>(new Worker(new URL('../../workers/classify.worker.ts', import.meta.url), { type: 'module', name: 'classify' }));
}
