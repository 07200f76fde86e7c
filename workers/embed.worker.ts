/**
 * Embed worker: downloads (or takes from cache) a backbone's encoder files, creates onnxruntime-web sessions and runs
 * them, or runs a face-api backbone on TensorFlow.js (its weights served from the app's origin). Thin by design: the
 * logic lives in src/embed/.
 */
import * as tf from '@tensorflow/tfjs';
import tfWasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import tfWasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import expressionManifest from '@vladmandic/face-api/model/face_expression_model-weights_manifest.json?url';
import expressionBin from '@vladmandic/face-api/model/face_expression_model.bin?url';
import recognitionManifest from '@vladmandic/face-api/model/face_recognition_model-weights_manifest.json?url';
import recognitionBin from '@vladmandic/face-api/model/face_recognition_model.bin?url';
import { backboneById, DEFAULT_BACKBONE, type Backbone, type ImagePreprocessing } from '../src/embed/backbones';
import { preprocessingFromConfig } from '../src/embed/backbones/types';
import * as faceapi from '@vladmandic/face-api/dist/face-api.esm-nobundle.js';
import { createFaceApiEncoder, type FaceApiEncoder } from '../src/embed/faceApiEncoder';
import { chooseBackend, detectCompute, type BackendInUse } from '../src/lib/compute';
import { connect, exposeApi, isCancelled, transfer, type Client, type JobContext } from '../src/lib/rpc';
import { getColumns } from '../src/dataset/storage';
import { missingIds, putEmbeddings, type Representation } from '../src/embed/embeddingCache';
import { readEmbeddingFile } from '../src/embed/embeddingFile';
import { datasetEmbeddingFile } from '../src/embed/exportEmbeddings';
import { embedDataset, type EmbedDatasetProgress } from '../src/embed/embedDataset';
import { embedFaces, type FaceBatch } from '../src/embed/embedFaces';
import { zeroShotOnTest, type ZeroShotResult } from '../src/embed/zeroShotRun';
import { createEncoder, runEncoder, type Encoder } from '../src/embed/encoder';
import { loadedWithin, planSessions, SessionPool, type EncoderSession } from '../src/embed/encoderPool';
import { cacheModelFile, fetchModelFile, type DownloadProgress } from '../src/embed/modelFiles';
import { modelFileUrl, type EncoderKind, type ModelSource } from '../src/embed/modelSource';
import { tokenizerFor, type PromptTokenizer } from '../src/embed/tokenizer';
import { isGeneratedTestModelFile } from '../src/lib/comparability';
import { l2NormalizeRows } from '../src/lib/vectors';
import { provideTfWasmFiles, setTfCpuBackend } from '../src/lib/tfCpu';
import type { EmbedWorkerApi, EncodeWorkerApi, LoadedEncoder, LoadEncoderInput, EncoderUse } from '../src/embed/embedWorker';

const encoders = new Map<EncoderKind, Encoder>();
let tokenizer: PromptTokenizer | undefined;
/** the backbone whose encoders are loaded, and its preprocessing as its source declares it */
let backbone: Backbone = DEFAULT_BACKBONE;
let preprocessing: ImagePreprocessing = DEFAULT_BACKBONE.preprocessing;
/** a face-api backbone in use instead of the ONNX encoders */
let faceApi: FaceApiEncoder | undefined;

// face-api's weights, emitted into the build by Vite and served from the app's own origin (as the classify worker's).
const FACE_API_FILES: Record<string, string> = {
  'face_expression_model-weights_manifest.json': expressionManifest,
  'face_expression_model.bin': expressionBin,
  'face_recognition_model-weights_manifest.json': recognitionManifest,
  'face_recognition_model.bin': recognitionBin,
};

async function readFaceApiFile(file: string): Promise<ArrayBuffer> {
  const url = FACE_API_FILES[file];
  if (!url) throw new Error(`face-api has no file ${file}`);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`face-api's ${file} could not be read (HTTP ${response.status})`);
  return response.arrayBuffer();
}

provideTfWasmFiles({ plain: tfWasmPlain, simd: tfWasmSimd });
let tfBackend: Promise<string> | undefined;
/** TensorFlow.js for face-api's networks: WASM (one thread), else CPU. */
function tfReady(): Promise<string> {
  return (tfBackend ??= setTfCpuBackend().then(async (name) => (await tf.ready(), name)));
}

/** The loaded image encoder's input preparation (the ONNX file fixes the size). */
function visionPreprocessing(): ImagePreprocessing {
  if (faceApi) return faceApi.backbone.preprocessing;
  return { ...preprocessing, size: encoderFor('vision').iface.imageSize! };
}

function encoderFor(kind: EncoderKind): Encoder {
  const encoder = encoders.get(kind);
  if (!encoder) throw new Error(`No ${kind} model is loaded yet`);
  return encoder;
}

/**
 * Copies of the image encoder for dataset runs (src/embed/encoderPool.ts): started in encode workers when a run
 * begins and stopped when it ends, so the extra model copies take memory only while a dataset is being embedded.
 * The model bytes stay here while copies are planned.
 */
let copiesPlanned: { count: number; bytes: Uint8Array; threads: number } | undefined;

const COPY_LOAD_TIMEOUT_MS = 60_000;

/** Loads the model into a copy; false when it fails or takes longer than COPY_LOAD_TIMEOUT_MS. */
function loadCopy(copy: Client<EncodeWorkerApi>, plan: { bytes: Uint8Array; threads: number }): Promise<boolean> {
  return loadedWithin(copy.load({ bytes: plan.bytes.slice(), threads: plan.threads, backboneId: backbone.id }), COPY_LOAD_TIMEOUT_MS);
}

function startEncodeWorker(): Client<EncodeWorkerApi> {
  return connect<EncodeWorkerApi>(new Worker(new URL('./encode.worker.ts', import.meta.url), { type: 'module', name: 'encode' }));
}

/** Runs `job` on a pool of this worker's image encoder plus the planned copies, which stop when it settles. */
async function withVisionSessions<T>(job: (pool: SessionPool) => Promise<T>): Promise<T> {
  if (faceApi) {
    const net = faceApi;
    return job(new SessionPool([{ run: (values, count) => net.run(values, count) }]));
  }
  const encoder = encoderFor('vision');
  const size = encoder.iface.imageSize!;
  const own: EncoderSession = { run: (pixelValues, count) => runEncoder(encoder, pixelValues, [count, 3, size, size]) };
  const plan = copiesPlanned;
  const started = plan ? Array.from({ length: plan.count }, startEncodeWorker) : [];
  try {
    // A copy is help, not a requirement: one that fails to load, or takes too long, is stopped and the run goes on
    // with the sessions it has (the summary names how many ran).
    const loaded = await Promise.all(started.map((copy) => loadCopy(copy, plan!)));
    const copies = started.filter((copy, i) => {
      if (!loaded[i]) copy.terminate();
      return loaded[i];
    });
    // A copy that crashes mid-run is lost to the pool (its `crashed` is set) and its batch runs again on another
    // session, so the copy is handed its own copy of the pixels: the pool's stay readable for that retry.
    const sessions: EncoderSession[] = copies.map((copy) => ({
      run: (pixelValues: Float32Array, count: number) => {
        const own = pixelValues.slice();
        return copy.encode(transfer({ pixelValues: own, count }, [own.buffer]));
      },
      get lost() {
        return copy.crashed;
      },
    }));
    return await job(new SessionPool([own, ...sessions]));
  } finally {
    started.forEach((copy) => copy.terminate());
  }
}

function backendOf(kind: EncoderKind, encoder: Encoder): BackendInUse {
  return kind === 'vision' && copiesPlanned ? { ...encoder.backend, sessions: copiesPlanned.count + 1 } : encoder.backend;
}

const api = {
  async loadEncoder(input: LoadEncoderInput, ctx: JobContext<DownloadProgress>): Promise<LoadedEncoder> {
    const started = performance.now();
    const local = input.source.files?.[input.kind];
    const url = local ? `${input.source.id} ${local.name}` : modelFileUrl(input.source, input.kind, input.precision);
    const { bytes, fromCache } = local ? await readLocalFile(local, ctx) : await fetchModelFile(url, ctx.signal, ctx.progress);
    const randomWeights = isGeneratedTestModelFile(new Uint8Array(bytes, 0, Math.min(64, bytes.byteLength)));
    await encoders.get(input.kind)?.session.release();
    encoders.delete(input.kind);
    if (input.kind === 'vision') {
      copiesPlanned = undefined;
      faceApi?.dispose();
      faceApi = undefined;
      backbone = input.backboneId ? backboneById(input.backboneId) : DEFAULT_BACKBONE;
      preprocessing = await loadPreprocessing(input.source, backbone, ctx);
    }
    const caps = await detectCompute({ webgpu: input.backend === 'auto' || input.backend === 'webgpu' });
    const plan = planSessions({
      backend: chooseBackend(caps, input.backend).kind,
      cores: navigator.hardwareConcurrency || 1,
      modelBytes: bytes.byteLength,
      threads: input.threads,
      sessions: input.kind === 'vision' ? input.sessions : 1,
    });
    // ORT may take ownership of the buffer it is given: keep a copy to cache once the file proved valid.
    // A file refused here (not ONNX, not a CLIP encoder) is named in the error: the user picked or pointed at it.
    const fileName = local ? local.name : url;
    const encoder = await (
      input.kind === 'vision'
        ? createEncoder('vision', new Uint8Array(bytes.slice(0)), input.backend, plan.threadsEach, plan.sessions, backbone)
        : createEncoder('text', new Uint8Array(bytes.slice(0)), input.backend, input.threads, 1, backbone)
    ).catch((error: unknown) => {
      if (!(error instanceof Error) || isCancelled(error) || error.message.includes(fileName)) throw error;
      throw new Error(`${fileName}: ${error.message}`, { cause: error });
    });
    if (input.kind === 'vision' && encoder.backend.kind === 'wasm' && plan.sessions > 1) {
      copiesPlanned = { count: plan.sessions - 1, bytes: new Uint8Array(bytes), threads: encoder.backend.threads ?? 1 };
    }
    if (input.kind === 'text') tokenizer = await loadTokenizer(input.source, backbone, ctx);
    if (!fromCache && !local) await cacheModelFile(url, bytes);
    encoders.set(input.kind, encoder);
    return {
      url,
      bytes: bytes.byteLength,
      fromCache,
      backend: backendOf(input.kind, encoder),
      iface: encoder.iface,
      loadMs: performance.now() - started,
      preprocessing: input.kind === 'vision' ? visionPreprocessing() : undefined,
      randomWeights,
    };
  },

  /** Loads a face-api backbone (no text tower) on TensorFlow.js; the ONNX encoders are released. */
  async loadFaceApi(input: { backboneId: string }): Promise<LoadedEncoder> {
    const started = performance.now();
    const chosen = backboneById(input.backboneId);
    for (const encoder of encoders.values()) await encoder.session.release();
    encoders.clear();
    copiesPlanned = undefined;
    tokenizer = undefined;
    faceApi?.dispose();
    faceApi = undefined;
    const tfName = await tfReady();
    faceApi = await createFaceApiEncoder(faceapi, chosen, readFaceApiFile);
    backbone = chosen;
    preprocessing = chosen.preprocessing;
    return {
      url: `@vladmandic/face-api/model/${chosen.files.vision.fp32}`,
      bytes: faceApi.bytes,
      fromCache: false,
      backend: { kind: 'wasm', threads: 1, detail: `TensorFlow.js ${tfName}` },
      iface: faceApi.iface,
      loadMs: performance.now() - started,
      preprocessing: chosen.preprocessing,
    };
  },

  /** pixelValues: CLIP-preprocessed images, [count, 3, size, size]; returns the raw (unnormalized) image_embeds. */
  async encodeImages(input: { pixelValues: Float32Array; count: number }): Promise<{ embeddings: Float32Array; dim: number; ms: number }> {
    if (faceApi) {
      const started = performance.now();
      const embeddings = await faceApi.run(input.pixelValues, input.count);
      return transfer({ embeddings, dim: faceApi.iface.dim, ms: performance.now() - started }, [embeddings.buffer]);
    }
    const encoder = encoderFor('vision');
    const size = encoder.iface.imageSize!;
    if (input.pixelValues.length !== input.count * 3 * size * size) {
      throw new Error(`pixelValues holds ${input.pixelValues.length} values, not ${input.count}×3×${size}×${size}`);
    }
    const started = performance.now();
    const embeddings = await runEncoder(encoder, input.pixelValues, [input.count, 3, size, size]);
    return transfer({ embeddings, dim: encoder.iface.dim, ms: performance.now() - started }, [embeddings.buffer]);
  },

  /** Embeds the faces not cached yet into the embedding cache; progress is the number of faces done so far. */
  async embedFaces(input: { rep: Representation; faces: FaceBatch; batchSize: number }, ctx: JobContext<number>): Promise<number> {
    const dim = faceApi?.iface.dim ?? encoderFor('vision').iface.dim;
    if (input.rep.dim !== dim) throw new Error(`The loaded model makes ${dim}-d embeddings, not ${input.rep.dim}-d`);
    let done = 0;
    return withVisionSessions((pool) =>
      embedFaces(input.rep, input.faces, (pixelValues, count) => pool.run(pixelValues, count), {
        batchSize: input.batchSize,
        preprocessing: visionPreprocessing(),
        concurrency: pool.size,
        signal: ctx.signal,
        onBatch: (k) => ctx.progress((done += k)),
      }),
    );
  },

  /** Embeds a stored dataset (a stratified sample first when asked); resumes from the cache. */
  async embedDataset(
    input: { datasetId: string; rep: Representation; batchSize: number; sampleFirst?: number },
    ctx: JobContext<EmbedDatasetProgress>,
  ): Promise<EmbedDatasetProgress & EncoderUse> {
    const prepared = visionPreprocessing();
    return withVisionSessions(async (pool) => {
      const started = performance.now();
      const progress = await embedDataset(input.datasetId, input.rep, (pixelValues, count) => pool.run(pixelValues, count), {
        batchSize: input.batchSize,
        preprocessing: prepared,
        concurrency: pool.size,
        sampleFirst: input.sampleFirst,
        signal: ctx.signal,
        onProgress: ctx.progress,
      });
      const seconds = (performance.now() - started) / 1000;
      return { ...progress, seconds, sessions: pool.size, sessionsLost: pool.lost, encoderBusy: pool.busyMs / 1000 / (seconds * pool.size) };
    });
  },

  /** The dataset's stored vectors for `rep` as an embeddings file (zip of .npy + .json). */
  async exportEmbeddings(input: { datasetId: string; rep: Representation }): Promise<{ bytes: Uint8Array; count: number }> {
    const file = await datasetEmbeddingFile(input.datasetId, input.rep);
    return transfer(file, [file.bytes.buffer]);
  },

  /** Stores the vectors of an embeddings file under its own representation, as if computed here. */
  async importEmbeddings(input: { file: File }): Promise<{ rep: Representation; count: number }> {
    const { meta, vectors } = readEmbeddingFile(new Uint8Array(await input.file.arrayBuffer()), input.file.name);
    await putEmbeddings(meta.representation, meta.imageIds, vectors);
    return { rep: meta.representation, count: meta.imageIds.length };
  },

  /** The backend each loaded encoder runs on now (it changes when WebGPU fails at run time). */
  async backends(): Promise<Partial<Record<EncoderKind, BackendInUse>>> {
    if (faceApi) return { vision: { kind: 'wasm', threads: 1, detail: `TensorFlow.js ${await tfReady()}` } };
    return Object.fromEntries([...encoders].map(([kind, encoder]) => [kind, backendOf(kind, encoder)]));
  },

  /** How many of a dataset's distinct images have an embedding for `rep`. */
  async coverage(input: { datasetId: string; rep: Representation }): Promise<{ embedded: number; total: number }> {
    const columns = await getColumns(input.datasetId);
    if (!columns) return { embedded: 0, total: 0 };
    const total = new Set(columns.imageIds).size;
    return { embedded: total - (await missingIds(input.rep, columns.imageIds)).length, total };
  },

  /** Zero-shot on the test split: prompts[c] are the prompts of class c, averaged per class, scored as the loaded family scores (softmax or sigmoid). */
  async zeroShot(input: { datasetId: string; rep: Representation; prompts: string[][] }): Promise<ZeroShotResult> {
    const flat = input.prompts.flat();
    const promptClass = input.prompts.flatMap((list, c) => list.map(() => c));
    const { embeddings } = await api.embedPrompts({ prompts: flat });
    return zeroShotOnTest(input.datasetId, input.rep, embeddings, promptClass, backbone.text);
  },

  /** Tokenizes and embeds prompts; returns L2-normalized text embeddings in prompt order. */
  async embedPrompts(input: { prompts: string[] }): Promise<{ embeddings: Float32Array; dim: number; truncated: number[] }> {
    const encoder = encoderFor('text');
    if (!tokenizer) throw new Error('The tokenizer is not loaded');
    const batch = tokenizer.encodeBatch(input.prompts);
    const raw = await runEncoder(encoder, batch.inputIds, [batch.count, batch.length]);
    const embeddings = l2NormalizeRows(raw, encoder.iface.dim);
    return transfer({ embeddings, dim: encoder.iface.dim, truncated: batch.truncated }, [embeddings.buffer]);
  },

  async encodeTexts(input: { inputIds: BigInt64Array; count: number }): Promise<{ embeddings: Float32Array; dim: number; ms: number }> {
    const encoder = encoderFor('text');
    const started = performance.now();
    const length = input.inputIds.length / input.count;
    const embeddings = await runEncoder(encoder, input.inputIds, [input.count, length]);
    return transfer({ embeddings, dim: encoder.iface.dim, ms: performance.now() - started }, [embeddings.buffer]);
  },
} satisfies EmbedWorkerApi;

/**
 * The preprocessing of a hub or mirror model as its preprocessor_config.json says (transformers.js reads the same
 * file), else the backbone's declared values (files picked from disk, a mirror without the file).
 */
async function loadPreprocessing(source: ModelSource, chosen: Backbone, ctx: JobContext<DownloadProgress>): Promise<ImagePreprocessing> {
  const name = chosen.files.preprocessorConfig;
  if (source.files || !name) return chosen.preprocessing;
  const url = new URL(name, source.baseUrl).href;
  let fetched: { bytes: ArrayBuffer; fromCache: boolean };
  try {
    fetched = await fetchModelFile(url, ctx.signal, ctx.progress);
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    return chosen.preprocessing;
  }
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(new TextDecoder().decode(fetched.bytes));
  } catch {
    throw new Error(`${url} is not JSON`);
  }
  const read = preprocessingFromConfig(config, chosen.preprocessing);
  if (!fetched.fromCache) await cacheModelFile(url, fetched.bytes);
  return read;
}

/** A file picked from disk: read, never cached (it is already on this machine). */
async function readLocalFile(file: File, ctx: JobContext<DownloadProgress>): Promise<{ bytes: ArrayBuffer; fromCache: boolean }> {
  const bytes = await file.arrayBuffer();
  ctx.progress({ url: file.name, loaded: bytes.byteLength, total: bytes.byteLength, fromCache: false });
  return { bytes, fromCache: false };
}

/** The text tower's tokenizer, of the kind the backbone declares (CLIP's BPE, SigLIP's SentencePiece). */
async function loadTokenizer(source: ModelSource, chosen: Backbone, ctx: JobContext<DownloadProgress>): Promise<PromptTokenizer> {
  if (!chosen.text) throw new Error(`${chosen.label} has no text tower`);
  const local = source.files?.tokenizer;
  const url = local ? local.name : new URL(chosen.files.tokenizer ?? 'tokenizer.json', source.baseUrl).href;
  const { bytes, fromCache } = local ? await readLocalFile(local, ctx) : await fetchModelFile(url, ctx.signal, ctx.progress);
  const loaded = tokenizerFor(chosen.text, new TextDecoder().decode(bytes), url); // refuses a file of another kind before it is cached
  if (!fromCache && !local) await cacheModelFile(url, bytes);
  return loaded;
}

exposeApi(api);
