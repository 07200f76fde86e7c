/**
 * `facet embed`: the browser's embedding pipeline, headless. The archive goes through the same ingest (into an
 * in-memory IndexedDB), the same CLIP preprocessing, batching and cache (embedDataset), and comes out as the same
 * embeddings file the Embed section exports; the notebook imports it as if it had computed it.
 * Each stored batch is appended to `<out>.partial/`: a run that stops part-way continues where it stopped.
 */
import 'fake-indexeddb/auto';
import { closeSync, openAsBlob, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { ingestFile } from '../dataset/ingest';
import { BACKBONES, familyName, type Backbone, type ImagePreprocessing } from '../embed/backbones';
import { preprocessingFromConfig } from '../embed/backbones/types';
import { putEmbeddings, type Representation } from '../embed/embeddingCache';
import { createFaceApiEncoder, type FaceApi } from '../embed/faceApiEncoder';
import { embedDataset } from '../embed/embedDataset';
import { datasetEmbeddingFile } from '../embed/exportEmbeddings';
import type { Precision } from '../embed/modelSource';
import { promptsFor } from '../embed/prompts';
import { tokenizerFor } from '../embed/tokenizer';
import { zeroShotOnTest } from '../embed/zeroShotRun';
import { formatBytes, ProgressTracker } from '../lib/progress';
import { isGeneratedTestModelFile } from '../lib/comparability';
import { l2NormalizeRows } from '../lib/vectors';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { decodeImageInNode } from './nodeDecode';
import { createNodeEncoder, modelFiles, type Device, type ModelFilesOnDisk } from './nodeModel';
import { PartialOutput } from './partialOutput';
import { TerminalProgress } from './terminal';

export interface EmbedCommandOptions {
  dataset: string;
  model: string;
  precision: Precision;
  out: string;
  batchSize: number;
  device: Device;
  threads?: number;
  restart: boolean;
  /** the registry entry of an ONNX `--model` (its tensor names, preprocessing, representation kind); CLIP ViT-B/32 by default */
  backbone?: string;
  /** also score zero-shot on the test split (a backbone with a text tower: its own prompt template and scoring) */
  zeroShot: boolean;
  signal: AbortSignal;
  log(line: string): void;
}

export interface EmbedCommandResult {
  count: number;
  embeddedNow: number;
  fromPartial: number;
  seconds: number;
  imagesPerSecond: number;
  zeroShotAccuracy?: number;
}

export async function embedCommand(o: EmbedCommandOptions): Promise<EmbedCommandResult> {
  const terminal = new TerminalProgress();
  const file = new File([await openAsBlob(o.dataset)], basename(o.dataset));

  o.log(`Reading ${file.name} (${formatBytes(file.size)})`);
  const { manifest } = await ingestFile(file, {
    decode: decodeImageInNode,
    signal: o.signal,
    onProgress: (p) => terminal.show({ stage: 'Reading', done: p.bytesRead, total: p.totalBytes, unit: 'B', rate: NaN, etaSeconds: NaN }),
  });
  terminal.done();
  o.log(`${manifest.count.toLocaleString('en-US')} faces (${manifest.skipped.length} entries skipped)`);

  const encoder = await openEncoder(o, terminal);
  const rep = encoder.rep;

  const partial = PartialOutput.open(o.out, { datasetId: manifest.id, representation: rep }, o.restart);
  if (partial.ids.length) {
    await putEmbeddings(rep, partial.ids, partial.vectors);
    o.log(`Continuing: ${partial.ids.length.toLocaleString('en-US')} images were embedded by an earlier run (${partial.dir})`);
  }

  const started = performance.now();
  let tracker: ProgressTracker | undefined;
  const progress = await embedDataset(manifest.id, rep, encoder.run, {
    batchSize: o.batchSize,
    preprocessing: encoder.preprocessing,
    signal: o.signal,
    onStored: (ids, vectors) => partial.append(ids, vectors),
    onProgress: (p) => {
      tracker ??= new ProgressTracker('Embedding', p.total, 'img');
      terminal.show(tracker.update(p.done));
    },
  });
  terminal.done();
  const seconds = (performance.now() - started) / 1000;
  await encoder.release();

  const { bytes, count } = await datasetEmbeddingFile(manifest.id, rep);
  partial.finish(o.out, bytes);
  const imagesPerSecond = progress.done / Math.max(seconds, 1e-9);
  o.log(`Wrote ${o.out}: ${count.toLocaleString('en-US')} embeddings (${progress.done.toLocaleString('en-US')} now at ${imagesPerSecond.toFixed(1)} img/s, ${partial.ids.length.toLocaleString('en-US')} from the earlier run)`);

  const result: EmbedCommandResult = { count, embeddedNow: progress.done, fromPartial: partial.ids.length, seconds, imagesPerSecond };
  if (o.zeroShot && encoder.files && encoder.backbone?.text) {
    const scored = await zeroShotInNode(manifest.id, rep, encoder.backbone, encoder.files, o);
    result.zeroShotAccuracy = scored.accuracy;
    o.log(`${familyName(encoder.backbone)} zero-shot ("${scored.template}") on ${scored.count.toLocaleString('en-US')} test images: ${(100 * scored.accuracy).toFixed(2)}%`);
  }
  return result;
}

/**
 * Zero-shot on the test split as the notebook scores it for this backbone: its text tower's tensor names, its
 * tokenizer (CLIP's BPE, SigLIP's SentencePiece) and padding, its prompt template, its scoring (softmax or sigmoid).
 */
async function zeroShotInNode(datasetId: string, rep: Representation, backbone: Backbone, files: ModelFilesOnDisk, o: EmbedCommandOptions) {
  const tower = backbone.text!;
  const text = await createNodeEncoder('text', files.text, o.device, o.threads, backbone);
  const tokenizer = tokenizerFor(tower, readFileSync(files.tokenizer, 'utf8'), files.tokenizer);
  const prompts = promptsFor([tower.template]);
  const batch = tokenizer.encodeBatch(prompts.flat());
  const promptVectors = l2NormalizeRows(await text.run(batch.inputIds, [batch.count, batch.length]), text.iface.dim);
  await text.release();
  const zeroShot = await zeroShotOnTest(datasetId, rep, promptVectors, prompts.flatMap((list, c) => list.map(() => c)), tower);
  return { accuracy: zeroShot.evaluation.accuracy, count: zeroShot.scored, template: tower.template };
}

/**
 * The ONNX backbone of the registry an ONNX `--model` is: named by `--backbone`, else the entry whose hub repo it
 * is, else CLIP ViT-B/32 (every CLIP export has its tensor names). Its family gives the representation kind, so
 * SigLIP's vectors land under SigLIP's keys, as in the browser.
 */
export function onnxBackbone(id: string | undefined, model: string): Backbone {
  const onnx = BACKBONES.filter((b) => b.runtime !== 'tfjs');
  if (id === undefined) return onnx.find((b) => b.hubRepo === model) ?? onnx[0];
  const named = onnx.find((b) => b.id === id);
  if (!named) throw new Error(`--backbone must be one of ${onnx.map((b) => b.id).join(', ')}, not "${id}"`);
  return named;
}

/** A backbone of the registry that runs on TensorFlow.js (face-api), named by its id. */
export const tfjsBackbone = (model: string): Backbone | undefined => BACKBONES.find((b) => b.id === model && b.runtime === 'tfjs');

/**
 * face-api's CommonJS node-wasm build (its ESM build does not load in plain Node), on Node's `@tensorflow/tfjs`
 * with the WASM backend, as in the browser's embed worker: no native addon.
 */
export async function faceApiInNode(): Promise<{ faceapi: FaceApi; tf: typeof import('@tensorflow/tfjs') }> {
  const require = createRequire(import.meta.url);
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  const tf = (faceapi as unknown as { tf: typeof import('@tensorflow/tfjs') }).tf;
  // tfjs-backend-wasm (which the node-wasm build registers) finds its .wasm beside itself in Node; the plain CPU
  // backend is the fallback (about 10× slower here).
  if (!(await tf.setBackend('wasm').catch(() => false))) await tf.setBackend('cpu');
  await tf.ready();
  return { faceapi, tf };
}

/** face-api's model files, read from the installed package (the browser serves the same files). */
function readFaceApiFile(file: string): Promise<ArrayBuffer> {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  const bytes = readFileSync(join(dir, file));
  return Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

interface OpenEncoder {
  rep: Representation;
  preprocessing: ImagePreprocessing;
  run(values: Float32Array, count: number): Promise<Float32Array>;
  release(): Promise<void>;
  /** the ONNX model's files (a text tower for zero-shot) and its registry entry; absent for face-api */
  files?: ModelFilesOnDisk;
  backbone?: Backbone;
}

/** The image encoder `--model` names: a face-api backbone on TensorFlow.js, or CLIP files through onnxruntime-node. */
async function openEncoder(o: EmbedCommandOptions, terminal: TerminalProgress): Promise<OpenEncoder> {
  const tfjs = tfjsBackbone(o.model);
  if (tfjs) {
    // Plain TensorFlow.js (its CPU backend) in Node: the same kernels' arithmetic as the browser's, no native addon.
    const { faceapi, tf } = await faceApiInNode();
    const net = await createFaceApiEncoder(faceapi, tfjs, readFaceApiFile);
    o.log(`${tfjs.label}: ${net.iface.dim}-d, on TensorFlow.js ${tf.getBackend()}`);
    return {
      rep: { kind: tfjs.repKind, model: tfjs.id, precision: 'fp32', dim: net.iface.dim },
      preprocessing: tfjs.preprocessing,
      run: (values, count) => net.run(values, count),
      release: async () => net.dispose(),
    };
  }
  const files = await modelFiles(o.model, o.precision, (url, loaded, total) =>
    terminal.show({ stage: `Downloading ${url.split('/').at(-1)}`, done: loaded, total, unit: 'B', rate: NaN, etaSeconds: NaN }),
  );
  terminal.done();
  const backbone = onnxBackbone(o.backbone, o.model);
  const vision = await createNodeEncoder('vision', files.vision, o.device, o.threads, backbone);
  o.log(`${backbone.label} vision encoder: ${files.id} (${o.precision}), ${vision.iface.dim}-d, on ${vision.provider}${vision.note ? ` (${vision.note})` : ''}`);
  const configured = files.preprocessorConfig ? preprocessingFromConfig(JSON.parse(readFileSync(files.preprocessorConfig, 'utf8')), backbone.preprocessing) : backbone.preprocessing;
  const size = vision.iface.imageSize ?? configured.size;
  return {
    // A generated test model's vectors are marked as the browser marks them (not part of the cache key).
    rep: { kind: backbone.repKind, model: files.id, precision: o.precision, dim: vision.iface.dim, ...(isGeneratedTestModelFile(fileHead(files.vision)) ? { randomWeights: true } : {}) },
    preprocessing: { ...configured, size },
    run: (pixels, count) => vision.run(pixels, [count, 3, size, size]),
    release: () => vision.release(),
    files,
    backbone,
  };
}

/** The first bytes of a file (a model's producer sits there), without reading a file of hundreds of megabytes. */
function fileHead(path: string, length = 64): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(length);
    return head.subarray(0, readSync(fd, head, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}
