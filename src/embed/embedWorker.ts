/** Starts an embed worker and returns its typed client (one place that knows the worker's URL). */
import type { BackendInUse, BackendPreference } from '../lib/compute';
import { connect, type Client, type JobContext } from '../lib/rpc';
import type { ImagePreprocessing } from './backbones';
import type { EmbedDatasetProgress } from './embedDataset';
import type { FaceBatch } from './embedFaces';
import type { Representation } from './embeddingCache';
import type { DownloadProgress } from './modelFiles';
import type { EncoderInterface } from './modelInterface';
import type { EncoderKind, ModelSource, Precision } from './modelSource';
import type { ZeroShotResult } from './zeroShotRun';

export interface LoadEncoderInput {
  source: ModelSource;
  kind: EncoderKind;
  precision: Precision;
  backend: BackendPreference;
  threads?: number;
  /** vision encoder sessions working at once (default: planned from the cores and the model's size) */
  sessions?: number;
  /** the registry backbone these files are (default: CLIP ViT-B/32's family entry) */
  backboneId?: string;
}

/** How a dataset run used its encoder sessions: the rest of `seconds` went to reading, preprocessing and storing. */
export interface EncoderUse {
  seconds: number;
  sessions: number;
  /** share of the run's time the sessions spent encoding, 0–1 */
  encoderBusy: number;
  /** sessions lost mid-run (an encode worker crashed): the run went on without them */
  sessionsLost: number;
}

export interface LoadedEncoder {
  url: string;
  bytes: number;
  fromCache: boolean;
  backend: BackendInUse;
  iface: EncoderInterface;
  loadMs: number;
  /** how faces are prepared for this encoder (vision) */
  preprocessing?: ImagePreprocessing;
  /** the file was written by Facet's test-model generator: random weights, numbers not comparable with the paper */
  randomWeights?: boolean;
}

/** The embed worker's contract (workers/embed.worker.ts implements it; each job is documented there). */
export type EmbedWorkerApi = {
  loadEncoder(input: LoadEncoderInput, ctx: JobContext<DownloadProgress>): Promise<LoadedEncoder>;
  loadFaceApi(input: { backboneId: string }): Promise<LoadedEncoder>;
  encodeImages(input: { pixelValues: Float32Array; count: number }): Promise<{ embeddings: Float32Array; dim: number; ms: number }>;
  embedFaces(input: { rep: Representation; faces: FaceBatch; batchSize: number }, ctx: JobContext<number>): Promise<number>;
  embedDataset(
    input: { datasetId: string; rep: Representation; batchSize: number; sampleFirst?: number },
    ctx: JobContext<EmbedDatasetProgress>,
  ): Promise<EmbedDatasetProgress & EncoderUse>;
  exportEmbeddings(input: { datasetId: string; rep: Representation }): Promise<{ bytes: Uint8Array; count: number }>;
  importEmbeddings(input: { file: File }): Promise<{ rep: Representation; count: number }>;
  backends(): Promise<Partial<Record<EncoderKind, BackendInUse>>>;
  coverage(input: { datasetId: string; rep: Representation }): Promise<{ embedded: number; total: number }>;
  zeroShot(input: { datasetId: string; rep: Representation; prompts: string[][] }): Promise<ZeroShotResult>;
  embedPrompts(input: { prompts: string[] }): Promise<{ embeddings: Float32Array; dim: number; truncated: number[] }>;
  encodeTexts(input: { inputIds: BigInt64Array; count: number }): Promise<{ embeddings: Float32Array; dim: number; ms: number }>;
};

/**
 * An encode worker's contract (workers/encode.worker.ts): one more copy of the vision encoder, started by the embed
 * worker for dataset runs (src/embed/encoderPool.ts).
 */
export type EncodeWorkerApi = {
  load(input: { bytes: Uint8Array; threads: number; backboneId: string }): Promise<{ dim: number }>;
  encode(input: { pixelValues: Float32Array; count: number }): Promise<Float32Array>;
};

export type EmbedWorker = Client<EmbedWorkerApi>;

export function startEmbedWorker(): EmbedWorker {
  return connect<EmbedWorkerApi>(new Worker(new URL('../../workers/embed.worker.ts', import.meta.url), { type: 'module', name: 'embed' }));
}
