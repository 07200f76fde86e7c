/**
 * Every parser of untrusted input, as the app calls it at its boundary, with its seed corpus and the contract a
 * mutated input must meet: the call returns a well-formed result or throws an Error whose message names the file
 * and the problem; an import that fails leaves nothing of itself in IndexedDB.
 *
 * Seeds are read at run time and never copied into the repository: JPEGs of /work/shared/data/fer2013-mini.zip
 * (and PNGs made from its faces), a small Kaggle-layout zip of them and the mini zip itself, a CSV of the same faces,
 * .npy and embeddings files, a session record, the tiny model's tokenizer.json and ONNX files
 * (`npm run models -- tiny`).
 */
import 'fake-indexeddb/auto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, unzipSync, zipSync, zlibSync } from 'fflate';
import { clear, createStore, keys } from 'idb-keyval';
import { createNodeEncoder } from '../../src/cli/nodeModel';
import { decodeImageInNode } from '../../src/cli/nodeDecode';
import { decodeProblem } from '../../src/classify/photo';
import { headerProblem, readImageHeader } from '../../src/dataset/imageHeader';
import { ingestFile } from '../../src/dataset/ingest';
import { decodeGrayJpeg } from '../../src/dataset/jpegGray';
import { readEmbeddingFile, writeEmbeddingFile } from '../../src/embed/embeddingFile';
import { ClipTokenizer } from '../../src/embed/tokenizer';
import { readNpy, writeNpy } from '../../src/lib/npy';
import { parseSessionRecord } from '../../src/notebook/sessionRecord';

export const MINI_ZIP = new URL('../../../shared/data/fer2013-mini.zip', import.meta.url).pathname;
const TINY = new URL('../../models/tiny/', import.meta.url).pathname;

export interface Target {
  name: string;
  /** the file name the input is given as (errors must name it) */
  fileName: string;
  /** how many vitest cases this target gets (bounded by its cost per case) */
  unitCases: number;
  seeds(): Promise<Uint8Array[]>;
  /** Runs the boundary on `bytes`; throws a ContractBroken when the outcome breaks the contract. */
  run(bytes: Uint8Array): Promise<void>;
}

/** The parser broke its contract (as opposed to refusing the input, which is fine). */
export class ContractBroken extends Error {}

/** A refusal must be an Error naming the file and saying something more. */
function checkRefusal(error: unknown, fileName: string): void {
  if (error instanceof ContractBroken) throw error;
  if (!(error instanceof Error)) throw new ContractBroken(`threw a non-Error: ${String(error)}`);
  if (!error.message.includes(fileName)) throw new ContractBroken(`the error does not name the file: ${error.name}: ${error.message.slice(0, 300)}`);
  if (error.message.replace(fileName, '').replace(/[“”"':\s]/g, '').length < 8) throw new ContractBroken(`the error does not say what is wrong: ${error.message}`);
}

async function refusalOrResult(fileName: string, call: () => Promise<void> | void): Promise<'ok' | 'refused'> {
  try {
    await call();
    return 'ok';
  } catch (error) {
    checkRefusal(error, fileName);
    return 'refused';
  }
}

// ---- the seed corpus -------------------------------------------------------------------------------------------

let miniEntries: Promise<[string, Uint8Array][]> | undefined;
/** The mini zip's JPEGs, name and bytes (read from the shared data folder, never copied). */
export function miniJpegs(): Promise<[string, Uint8Array][]> {
  miniEntries ??= Promise.resolve(Object.entries(unzipSync(readFileSync(MINI_ZIP))).filter(([name]) => name.toLowerCase().endsWith('.jpg')));
  return miniEntries;
}

/** A few JPEGs of every size class of the corpus (deterministic choice). */
async function sampleJpegs(count: number): Promise<[string, Uint8Array][]> {
  const all = await miniJpegs();
  return Array.from({ length: count }, (_, i) => all[Math.floor((i * all.length) / count)]);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes: Uint8Array) => {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

/** An 8-bit gray PNG of `pixels` (the corpus has JPEGs only; PNG faces are what other FER2013 copies hold). */
export function grayPng(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const body = new Uint8Array(4 + data.length);
    body.set(strToU8(type));
    body.set(data, 4);
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(body, 4);
    view.setUint32(8 + data.length, crc32(body));
    return out;
  };
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 0, 0, 0, 0], 8);
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', zlibSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

async function imageSeeds(): Promise<Uint8Array[]> {
  const jpegs = (await sampleJpegs(12)).map(([, bytes]) => bytes);
  const pngs = jpegs.slice(0, 4).map((bytes) => {
    const gray = decodeGrayJpeg(bytes)!;
    return grayPng(gray.pixels, gray.width, gray.height);
  });
  return [...jpegs, ...pngs];
}

/** A small archive in Kaggle's layout made of the corpus' JPEGs (a whole import per case stays cheap). */
async function smallZipSeeds(): Promise<Uint8Array[]> {
  const jpegs = await sampleJpegs(6);
  const layout = (prefix: string) =>
    Object.fromEntries(jpegs.map(([name, bytes], i) => [`${prefix}${i % 2 ? name.replace(/^train\//, 'test/') : name}`, [bytes, { level: i % 3 === 0 ? 0 : 6 }]])) as Parameters<typeof zipSync>[0];
  return [zipSync(layout('')), zipSync(layout('fer2013/'))];
}

/** `emotion,pixels,Usage` rows of the corpus' faces. */
async function csvSeeds(): Promise<Uint8Array[]> {
  const jpegs = await sampleJpegs(4);
  const usages = ['Training', 'PublicTest', 'PrivateTest'];
  const rows = jpegs.map(([, bytes], i) => `${i % 7},${Array.from(decodeGrayJpeg(bytes)!.pixels).join(' ')},${usages[i % 3]}`);
  return [strToU8(['emotion,pixels,Usage', ...rows].join('\n') + '\n'), strToU8(['\uFEFFUsage,emotion,pixels', ...rows.map((r) => r.split(',').reverse().join(','))].join('\r\n'))];
}

function vectors(rows: number, cols: number): Float32Array {
  return Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 12.9898) * 0.5);
}

const embeddingMeta = (rows: number, dim: number) => ({
  representation: { kind: 'clip' as const, model: 'test/tiny', precision: 'fp32' as const, dim },
  imageIds: Array.from({ length: rows }, (_, i) => `id-${i}`),
  labels: Array.from({ length: rows }, (_, i) => i % 7),
  splits: Array.from({ length: rows }, (_, i) => (i % 3 ? 'train' : 'test')),
});

function sessionRecordSeed(): Uint8Array {
  // A record as Results → Download session record writes it (src/notebook/sessionRecord.ts).
  const record = {
    format: 'facet-session',
    version: 1,
    createdAt: '2026-11-30T12:00:00.000Z',
    environment: { userAgent: 'Chromium', backend: 'wasm', wasmThreads: 2, crossOriginIsolated: true },
    dataset: { id: 'a'.repeat(64), name: 'fer2013-mini.zip', count: 385, train: 280, test: 105, perEmotion: { happy: { train: 40, test: 15 } } },
    model: { sourceKind: 'hub', repo: 'Xenova/clip-vit-base-patch32', precision: 'quantized', backend: 'wasm' },
    prompts: { template: 'A {} human face', ensemble: false },
    embedding: { embedded: 384, total: 384 },
    training: { features: 'clip', settings: { hidden: [512], dropout: 0.2, l2: 0, learningRate: 0.001, decay: 0, batchSize: 64, epochs: 3, seed: 1234, classWeights: false, patience: 6 } },
    results: [{ method: 'CLIP + MLP', paper: 71.4, accuracy: 40.1 }],
    runs: [{ id: 'r1', createdAt: '2026-11-30T12:00:00.000Z', settings: { seed: 1234 }, history: [{ epoch: 1, loss: 1.9, acc: 0.2, valLoss: 1.8, valAcc: 0.25 }] }],
    extra: { explore: { method: 'tsne', perplexity: 30 } },
  };
  return strToU8(JSON.stringify(record, null, 1));
}

// ---- the targets -----------------------------------------------------------------------------------------------

const db = createStore('facet-fuzz-datasets', 'records');

/** One import of `bytes` as `fileName`, checked for the contract and for leaving nothing half-written. */
async function importOnce(bytes: Uint8Array, fileName: string): Promise<void> {
  await clear(db);
  const file = new File([bytes as BlobPart], fileName);
  const outcome = await refusalOrResult(fileName, async () => {
    const { manifest } = await ingestFile(file, { decode: decodeImageInNode, signal: new AbortController().signal, db, chunkSize: 4 });
    if (manifest.count <= 0) throw new ContractBroken('an import without faces was stored');
    if (manifest.count !== manifest.counts.train.reduce((a, b) => a + b, 0) + manifest.counts.test.reduce((a, b) => a + b, 0)) {
      throw new ContractBroken(`the manifest's counts do not add up to its ${manifest.count} faces`);
    }
  });
  const stored = await keys<string>(db);
  if (outcome === 'refused' && stored.length) throw new ContractBroken(`a failed import left ${stored.length} records behind: ${stored.slice(0, 3).join(', ')}`);
  if (outcome === 'ok') {
    const ids = new Set(stored.filter((k) => k.startsWith('manifest:')).map((k) => k.slice('manifest:'.length)));
    const orphans = stored.filter((k) => !ids.has(k.split(':')[1]));
    if (ids.size !== 1 || orphans.length) throw new ContractBroken(`an import stored ${ids.size} manifests and orphans ${orphans.slice(0, 3).join(', ')}`);
  }
}

let modelDir: string | undefined;
/** Mutated model files go through a temporary folder: the command line opens a model by its path. */
function modelPath(bytes: Uint8Array): string {
  modelDir ??= mkdtempSync(join(tmpdir(), 'facet-fuzz-'));
  const path = join(modelDir, 'vision_model.onnx');
  writeFileSync(path, bytes);
  return path;
}
export function removeModelDir(): void {
  if (modelDir) rmSync(modelDir, { recursive: true, force: true });
  modelDir = undefined;
}

export const TARGETS: readonly Target[] = [
  {
    name: 'image-header',
    fileName: 'photo.jpg',
    unitCases: 3000,
    seeds: imageSeeds,
    async run(bytes) {
      const header = readImageHeader(bytes);
      if (header && !(Number.isInteger(header.width) && Number.isInteger(header.height) && header.width >= 0 && header.height >= 0)) {
        throw new ContractBroken(`impossible size ${header.width}×${header.height}`);
      }
      const problem = headerProblem(bytes);
      if (problem !== undefined && (typeof problem !== 'string' || problem.length < 8)) throw new ContractBroken(`a problem without words: ${problem}`);
      // What Classify says of a photo the browser cannot decode names the photo.
      const words = decodeProblem(this.fileName, 'image/jpeg', bytes);
      if (!words.includes(this.fileName)) throw new ContractBroken(`the photo's problem does not name it: ${words}`);
    },
  },
  {
    name: 'jpeg-gray',
    fileName: 'Training_1.jpg',
    unitCases: 2000,
    seeds: async () => (await sampleJpegs(12)).map(([, bytes]) => bytes),
    async run(bytes) {
      // The hand-written decoder declines (undefined) what it cannot read; a thrown error is a bug of its own.
      let image: ReturnType<typeof decodeGrayJpeg>;
      try {
        image = decodeGrayJpeg(bytes);
      } catch (error) {
        throw new ContractBroken(`decodeGrayJpeg threw instead of declining: ${(error as Error)?.message}`);
      }
      if (image && (image.width <= 0 || image.height <= 0 || image.pixels.length !== image.width * image.height)) {
        throw new ContractBroken(`decoded ${image.width}×${image.height} into ${image.pixels.length} pixels`);
      }
      const header = readImageHeader(bytes);
      if (image && header && (header.width !== image.width || header.height !== image.height)) {
        throw new ContractBroken(`decoded ${image.width}×${image.height} where the header says ${header.width}×${header.height}`);
      }
    },
  },
  {
    name: 'zip-import',
    fileName: 'fer2013.zip',
    unitCases: 1500,
    seeds: smallZipSeeds,
    run(bytes) {
      return importOnce(bytes, this.fileName);
    },
  },
  {
    name: 'csv-import',
    fileName: 'fer2013.csv',
    unitCases: 2000,
    seeds: csvSeeds,
    run(bytes) {
      return importOnce(bytes, this.fileName);
    },
  },
  {
    name: 'npy',
    fileName: 'embeddings.npy',
    unitCases: 3000,
    seeds: async () => [writeNpy(vectors(3, 4), 3, 4), writeNpy(vectors(1, 512), 1, 512), writeNpy(new Float32Array(0), 0, 8)],
    async run(bytes) {
      try {
        const { values, rows, cols } = readNpy(bytes);
        if (values.length !== rows * cols) throw new ContractBroken(`${values.length} values for ${rows} × ${cols}`);
      } catch (error) {
        if (error instanceof ContractBroken) throw error;
        // readNpy is called inside readEmbeddingFile, which names the file; here its message must say what is wrong.
        if (!(error instanceof Error) || !/npy/i.test(error.message)) throw new ContractBroken(`readNpy threw ${String(error)}`);
      }
    },
  },
  {
    name: 'embeddings-file',
    fileName: 'fer2013.embeddings.zip',
    unitCases: 1500,
    seeds: async () => [writeEmbeddingFile(embeddingMeta(3, 8), vectors(3, 8)), writeEmbeddingFile(embeddingMeta(2, 512), vectors(2, 512))],
    async run(bytes) {
      await refusalOrResult(this.fileName, () => {
        const { meta, vectors } = readEmbeddingFile(bytes, this.fileName);
        if (vectors.length !== meta.imageIds.length * meta.representation.dim) throw new ContractBroken('vectors do not match the ids and dim');
      });
    },
  },
  {
    name: 'session-record',
    fileName: 'facet-session-2026-11-30.json',
    unitCases: 2000,
    seeds: async () => [sessionRecordSeed()],
    async run(bytes) {
      await refusalOrResult(this.fileName, () => void parseSessionRecord(new TextDecoder().decode(bytes), this.fileName));
    },
  },
  {
    name: 'tokenizer-json',
    fileName: 'tokenizer.json',
    unitCases: 60,
    seeds: async () => {
      const path = join(TINY, 'tokenizer.json');
      if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run models -- tiny\` first`);
      return [new Uint8Array(readFileSync(path))];
    },
    async run(bytes) {
      await refusalOrResult(this.fileName, () => {
        const tokenizer = ClipTokenizer.fromJson(new TextDecoder().decode(bytes), this.fileName);
        tokenizer.encodeBatch(['A happy human face', 'x'.repeat(300)]);
      });
    },
  },
  {
    name: 'onnx-model',
    fileName: 'vision_model.onnx',
    unitCases: 1000,
    seeds: async () => {
      const path = join(TINY, 'onnx', 'vision_model.onnx');
      if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run models -- tiny\` first`);
      return [new Uint8Array(readFileSync(path)), new Uint8Array(readFileSync(join(TINY, 'onnx', 'vision_model_quantized.onnx')))];
    },
    async run(bytes) {
      const path = modelPath(bytes);
      await refusalOrResult(path, async () => {
        const encoder = await createNodeEncoder('vision', path, 'cpu', 1);
        try {
          const side = encoder.iface.imageSize!;
          if (side > 1024) return; // a mutated size the app would refuse to preprocess for; not worth the memory here
          // A file that loads as a CLIP encoder may still fail to run (weights of a wrong size): that surfaces as the
          // embedding run's error. What must not happen is a crash, or a wrong-sized result taken as embeddings.
          let out: Float32Array;
          try {
            out = await encoder.run(new Float32Array(3 * side * side), [1, 3, side, side]);
          } catch (error) {
            if (!(error instanceof Error)) throw new ContractBroken(`running the model threw a non-Error: ${String(error)}`);
            return;
          }
          if (out.length !== encoder.iface.dim) throw new ContractBroken(`one image gave ${out.length} values, not ${encoder.iface.dim}`);
        } finally {
          await encoder.release();
        }
      });
    },
  },
];

/** The full mini zip (a seed too heavy to mutate thousands of times): the fuzz script gives it a few cases. */
export const miniZipTarget: Target = {
  name: 'mini-zip-import',
  fileName: 'fer2013-mini.zip',
  unitCases: 0,
  seeds: async () => [new Uint8Array(readFileSync(MINI_ZIP))],
  run(bytes) {
    return importOnce(bytes, this.fileName);
  },
};
