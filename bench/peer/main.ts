/**
 * The peer benchmark's page (bench/peer.ts builds it with its own vite config and drives it in headless Chromium):
 * CLIP ViT-B/32 image embeddings as a transformers.js user writes them — AutoProcessor + CLIPVisionModelWithProjection
 * from a model folder, dtype q8 (onnx/vision_model_quantized.onnx), device wasm, faces as 48×48 gray RawImages
 * that its processor resizes, crops and normalizes. Nothing is fetched from the network: the model comes from
 * /models/ (the dev server's generated models) and onnxruntime-web's WASM from /ort/ (copied beside the page).
 */
import { AutoProcessor, CLIPVisionModelWithProjection, env, RawImage, Tensor, type PreTrainedModel, type Processor } from '@huggingface/transformers';
import { clipPixelValues } from '../../src/embed/preprocess';
import { cosine, l2NormalizeRows } from '../../src/lib/vectors';

const SIDE = 48;
const AREA = SIDE * SIDE;

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = '/models/';
env.useBrowserCache = false; // no copy of the 95 MB model in Cache Storage: every run loads what the bench generated
const wasm = env.backends.onnx.wasm!;
// transformers.js points onnxruntime-web at jsDelivr; the same files (its default asyncify build) are served locally.
wasm.wasmPaths = { mjs: '/ort/ort-wasm-simd-threaded.asyncify.mjs', wasm: '/ort/ort-wasm-simd-threaded.asyncify.wasm' };

let processor: Processor | undefined;
let model: PreTrainedModel | undefined;
let faces: Uint8Array | undefined;

async function load(preset: string, threads: number) {
  // onnxruntime-web's default is half the cores; Facet's Embed section runs all of them, so this does too.
  wasm.numThreads = threads;
  [processor, model, faces] = await Promise.all([
    AutoProcessor.from_pretrained(preset),
    CLIPVisionModelWithProjection.from_pretrained(preset, { dtype: 'q8', device: 'wasm' }),
    fetch('/faces.bin').then(async (r) => new Uint8Array(await r.arrayBuffer())),
  ]);
  return { faces: faces.length / AREA, threads: wasm.numThreads, transformersJs: env.version, onnxruntimeWeb: env.backends.onnx.versions?.web };
}

const faceImage = (i: number) => new RawImage(faces!.subarray(i * AREA, (i + 1) * AREA), SIDE, SIDE, 1);

async function embedImages(pixelValues: Tensor): Promise<{ data: Float32Array; dim: number }> {
  const { image_embeds } = (await model!({ pixel_values: pixelValues })) as { image_embeds: Tensor };
  return { data: image_embeds.data as Float32Array, dim: image_embeds.dims[1] };
}

/** Every face, `batchSize` at a time: RawImages → processor → model, timed from the faces in memory to the vectors. */
async function embedAll(batchSize: number) {
  const count = faces!.length / AREA;
  let dim = 0;
  const started = performance.now();
  for (let start = 0; start < count; start += batchSize) {
    const images = Array.from({ length: Math.min(batchSize, count - start) }, (_, k) => faceImage(start + k));
    const { pixel_values } = (await processor!(images)) as { pixel_values: Tensor };
    dim = (await embedImages(pixel_values)).dim;
  }
  return { count, dim, ms: performance.now() - started };
}

/**
 * Whether both libraries do the same work on the first `k` faces: transformers.js's processor (canvas resize) against
 * Facet's preprocessing (Pillow-exact bicubic, src/embed/preprocess.ts), through the same model, compared as
 * L2-normalized embeddings. Neighbouring faces' cosine is returned too: with random weights, different faces may
 * already be close, and the agreement only means something if it is well above that.
 */
async function agreement(k: number) {
  const images = Array.from({ length: k }, (_, i) => faceImage(i));
  const { pixel_values } = (await processor!(images)) as { pixel_values: Tensor };
  const theirs = pixel_values.data as Float32Array;
  const ours = new Float32Array(theirs.length);
  const plane = 3 * 224 * 224;
  // From the original bytes: the processor's rgb() has replaced each RawImage's data with an RGB copy in place.
  for (let i = 0; i < k; i++) clipPixelValues({ data: faces!.subarray(i * AREA, (i + 1) * AREA), width: SIDE, height: SIDE, channels: 1 }, 224, ours, i * plane);
  let maxPixelDiff = 0;
  let sumPixelDiff = 0;
  for (let i = 0; i < theirs.length; i++) {
    const d = Math.abs(theirs[i] - ours[i]);
    maxPixelDiff = Math.max(maxPixelDiff, d);
    sumPixelDiff += d;
  }
  const a = await embedImages(pixel_values);
  const b = await embedImages(new Tensor('float32', ours, [k, 3, 224, 224]));
  const na = l2NormalizeRows(a.data, a.dim);
  const nb = l2NormalizeRows(b.data, b.dim);
  const row = (v: Float32Array, i: number) => v.subarray(i * a.dim, (i + 1) * a.dim);
  const sameFace = Array.from({ length: k }, (_, i) => cosine(row(na, i), row(nb, i)));
  const neighbourFaces = Array.from({ length: k - 1 }, (_, i) => cosine(row(nb, i), row(nb, i + 1)));
  return { sameFace, neighbourFaces, maxPixelDiff, meanPixelDiff: sumPixelDiff / theirs.length };
}

const api = { load, embedAll, agreement };
export type PeerBench = typeof api;
(globalThis as unknown as { peerBench: PeerBench }).peerBench = api;
