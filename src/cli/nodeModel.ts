/**
 * CLIP model files and sessions for the command line: a hub repo, a mirror URL or a local folder in the hub's
 * layout (the same three sources as the browser, under the same identities, so embeddings made here land under the
 * browser's cache keys), run by onnxruntime-node on the CUDA execution provider where the machine has one, else CPU.
 */
import type { Backbone } from '../embed/backbones';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'node:stream/promises';
import * as ort from 'onnxruntime-node';
import { encoderInterface, runClipSession } from '../embed/encoderSession';
import type { EncoderInterface } from '../embed/modelInterface';
import { HUB_URL, hubSource, localModelId, mirrorSource, modelFilePath, type EncoderKind, type ModelSource, type Precision } from '../embed/modelSource';

export interface ModelFilesOnDisk {
  /** the model identity of the browser's cache keys */
  id: string;
  vision: string;
  text: string;
  tokenizer: string;
  /** the model's preprocessor_config.json, where it has one (the browser reads it too) */
  preprocessorConfig?: string;
}

export type DownloadReport = (file: string, loaded: number, total: number) => void;

const PREPROCESSOR_CONFIG = 'preprocessor_config.json';

const cacheDir = () => process.env.FACET_CACHE ?? join(homedir(), '.cache', 'facet', 'models');

/** Finds (or downloads once into the cache) the vision and text encoders and the tokenizer of `spec`. */
export async function modelFiles(spec: string, precision: Precision, onDownload?: DownloadReport): Promise<ModelFilesOnDisk> {
  const paths = { vision: modelFilePath('vision', precision), text: modelFilePath('text', precision), tokenizer: 'tokenizer.json' };
  if (existsSync(spec) && statSync(spec).isDirectory()) {
    const files = Object.fromEntries(Object.entries(paths).map(([k, p]) => [k, resolve(spec, p)])) as Omit<ModelFilesOnDisk, 'id'>;
    const missing = Object.values(files).filter((f) => !existsSync(f));
    if (missing.length) throw new Error(`${spec} is not a CLIP model folder in the hub's layout: missing ${missing.join(', ')}`);
    const id = localModelId([files.vision, files.text, files.tokenizer].map((f) => ({ name: f.split('/').at(-1)!, size: statSync(f).size })));
    const config = resolve(spec, PREPROCESSOR_CONFIG);
    return { id, ...files, ...(existsSync(config) ? { preprocessorConfig: config } : {}) };
  }
  const source: ModelSource = /^https?:\/\//.test(spec) ? mirrorSource(spec, spec) : hubSource(spec, process.env.HF_ENDPOINT ?? HUB_URL);
  const local = {} as Omit<ModelFilesOnDisk, 'id'>;
  for (const [kind, path] of Object.entries(paths) as [keyof typeof paths, string][]) {
    local[kind] = await download(new URL(path, source.baseUrl).href, onDownload);
  }
  // Optional, as in the browser: a source without one is prepared by the backbone's registry entry.
  const preprocessorConfig = await download(new URL(PREPROCESSOR_CONFIG, source.baseUrl).href).catch(() => undefined);
  return { id: source.id, ...local, ...(preprocessorConfig ? { preprocessorConfig } : {}) };
}

/** Downloads a file once; a partial download is kept aside as .part and never taken for the file. */
async function download(url: string, onDownload?: DownloadReport): Promise<string> {
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${createHash('sha256').update(url).digest('hex').slice(0, 24)}-${url.split('/').at(-1)}`);
  if (existsSync(path)) return path;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`Could not download ${url}: ${(error as Error).cause ?? (error as Error).message}`);
  }
  if (!response.ok || !response.body) throw new Error(`Could not download ${url}: HTTP ${response.status} ${response.statusText}`);
  const total = Number(response.headers.get('content-length') ?? NaN);
  let loaded = 0;
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
  body.on('data', (chunk: Buffer) => onDownload?.(url, (loaded += chunk.length), total));
  try {
    await pipeline(body, createWriteStream(`${path}.part`));
  } catch (error) {
    rmSync(`${path}.part`, { force: true });
    throw new Error(`The download of ${url} was interrupted (${(error as Error).message}); run the command again to retry`);
  }
  renameSync(`${path}.part`, path);
  return path;
}

export type Device = 'auto' | 'cpu' | 'cuda';

export interface NodeEncoder {
  iface: EncoderInterface;
  /** the execution provider in use, and why it is not the one asked for */
  provider: string;
  note?: string;
  run(data: Float32Array | BigInt64Array, dims: number[]): Promise<Float32Array>;
  release(): Promise<void>;
}

/** onnxruntime-node downloads its CUDA provider at install time, and only where asked: without it, CPU it is. */
function cudaLibraryInstalled(): boolean {
  const packageDir = fileURLToPath(new URL('..', import.meta.resolve('onnxruntime-node')));
  return existsSync(join(packageDir, 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so'));
}

export async function createNodeEncoder(kind: EncoderKind, path: string, device: Device, threads?: number, backbone?: Backbone): Promise<NodeEncoder> {
  const options = (providers: string[]): ort.InferenceSession.SessionOptions => ({
    executionProviders: providers,
    graphOptimizationLevel: 'all',
    ...(threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
  });
  let session: ort.InferenceSession | undefined;
  let provider = 'cpu';
  let note: string | undefined;
  if (device === 'auto' && !cudaLibraryInstalled()) {
    note = 'onnxruntime-node has no CUDA libraries here (add them on a GPU machine with ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install); running on CPU';
  } else if (device !== 'cpu') {
    try {
      session = await ort.InferenceSession.create(path, options(['cuda']));
      provider = 'cuda';
    } catch (error) {
      if (device === 'cuda') throw new Error(`The CUDA execution provider is not available here: ${(error as Error).message}`);
      note = 'no CUDA execution provider on this machine; running on CPU';
    }
  }
  try {
    session ??= await ort.InferenceSession.create(path, options(['cpu']));
  } catch (error) {
    throw new Error(`${path} is not a valid ONNX model: ${(error as Error).message}`);
  }
  const created = session;
  try {
    const { iface, inputType } = encoderInterface(kind, created, backbone);
    return {
      iface,
      provider,
      note,
      run: (data, dims) => runClipSession(created, iface, inputType, ort.Tensor, data, dims),
      release: () => created.release(),
    };
  } catch (error) {
    await created.release();
    throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
  }
}
