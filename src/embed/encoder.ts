/**
 * A CLIP encoder session in onnxruntime-web: created on the chosen backend (falling back from WebGPU to WASM when
 * WebGPU fails, and saying so; trying WebNN where the browser has it), checked against the CLIP interface, and run
 * on batches. Worker-only code.
 */
import * as ort from 'onnxruntime-web';
import { chooseBackend, detectCompute, type BackendInUse, type BackendPreference } from '../lib/compute';
import type { Backbone } from './backbones';
import { encoderInterface, runClipSession } from './encoderSession';
import type { EncoderInterface } from './modelInterface';
import type { EncoderKind } from './modelSource';
import { syntheticPixelValues } from './preprocess';
import { judgeWebnn, WEBNN_BATCH, type BackendTrial } from './webnnTrial';

export interface Encoder {
  session: ort.InferenceSession;
  iface: EncoderInterface;
  backend: BackendInUse;
  inputType: string;
  /** kept while on WebGPU, to re-create the session on WASM if the GPU fails at run time (e.g. a lost device) */
  bytes?: Uint8Array;
}

let configuredThreads: number | undefined;

/**
 * onnxruntime-web reads its thread count once, when its WASM starts: one worker serves one thread setting, and a
 * later encoder that asks for none (the text encoder after the vision one) runs on the setting already made.
 */
function configureWasm(threads: number | undefined, available: number): number {
  const wanted = Math.max(1, Math.min(threads ?? configuredThreads ?? available, available));
  if (configuredThreads === undefined) {
    configuredThreads = wanted;
    ort.env.wasm.numThreads = wanted;
  } else if (configuredThreads !== wanted) {
    throw new Error(`This worker runs WASM with ${configuredThreads} threads; start a new worker for ${wanted}.`);
  }
  return configuredThreads;
}

async function createOn(bytes: Uint8Array, backend: BackendInUse): Promise<ort.InferenceSession> {
  const executionProviders = backend.kind === 'webgpu' ? ['webgpu'] : ['wasm'];
  try {
    return await ort.InferenceSession.create(bytes, { executionProviders, graphOptimizationLevel: 'all' });
  } catch (error) {
    const message = String((error as Error)?.message ?? error);
    if (backend.kind === 'wasm' && /protobuf|parse|Failed to load model/i.test(message)) {
      throw new Error(`Not a valid ONNX model file (${bytes.byteLength} bytes): ${message}`);
    }
    throw error;
  }
}

/**
 * `wasmSessions`: how many WASM sessions of this encoder will work at once (src/embed/encoderPool.ts), so that
 * WebNN, one session on all cores, is compared with all of them. `backbone`: the registry entry whose tensor names
 * the file must have (CLIP's by default).
 */
export async function createEncoder(
  kind: EncoderKind,
  bytes: Uint8Array,
  preference: BackendPreference,
  threads?: number,
  wasmSessions = 1,
  backbone?: Backbone,
): Promise<Encoder> {
  const caps = await detectCompute({ webgpu: preference === 'auto' || preference === 'webgpu' });
  let backend = chooseBackend(caps, preference);
  const wasmThreads = configureWasm(threads, caps.wasmThreads);
  // WebNN is tried for the image encoder, the one a dataset runs through; the prompts' text encoder stays on WASM.
  const webnnRequested = backend.kind === 'webnn';
  const webnnBytes = kind === 'vision' && (webnnRequested || (backend.kind === 'wasm' && preference === 'auto' && caps.webnn)) ? bytes.slice() : undefined;
  if (backend.kind !== 'webgpu') backend = { kind: 'wasm', threads: wasmThreads, fallbackReason: backend.fallbackReason };
  let session: ort.InferenceSession;
  try {
    session = await createOn(bytes, backend);
  } catch (error) {
    if (backend.kind !== 'webgpu') throw error;
    const reason = `WebGPU failed (${(error as Error).message}); using WASM`;
    backend = { kind: 'wasm', threads: wasmThreads, fallbackReason: reason };
    session = await createOn(bytes, backend);
  }
  let encoder: Encoder;
  try {
    const { iface, inputType } = encoderInterface(kind, session, backbone);
    encoder = { session, iface, backend, inputType, bytes: backend.kind === 'webgpu' ? bytes : undefined };
  } catch (error) {
    await session.release();
    throw error;
  }
  return webnnBytes ? tryWebnn(encoder, webnnBytes, webnnRequested, wasmSessions) : encoder;
}

interface NavigatorWithWebnn {
  ml?: { createContext(options: { deviceType: 'cpu' | 'gpu' | 'npu' }): Promise<unknown> };
}

/**
 * Creates the image encoder on WebNN's CPU device and embeds the same synthetic batch on it and on the WASM encoder
 * (each once to warm up, once timed). Returns the WebNN encoder when judgeWebnn keeps it, else the WASM encoder,
 * whose backend then says why WebNN is not used.
 */
async function tryWebnn(wasm: Encoder, bytes: Uint8Array, requested: boolean, wasmSessions: number): Promise<Encoder> {
  const notUsed = (reason: string): Encoder => {
    wasm.backend = { ...wasm.backend, fallbackReason: reason };
    return wasm;
  };
  let context: unknown;
  try {
    const ml = (globalThis.navigator as NavigatorWithWebnn | undefined)?.ml;
    if (!ml) return notUsed('WebNN is not available in this browser; using WASM');
    context = await ml.createContext({ deviceType: 'cpu' });
  } catch (error) {
    return notUsed(`WebNN is not usable here (${(error as Error).message}); using WASM`);
  }
  // WebNN compiles static shapes: every symbolic dimension (the batch) is fixed, and runs are padded to it.
  const freeDimensionOverrides: Record<string, number> = {};
  for (const m of wasm.session.inputMetadata) {
    if (m.isTensor) for (const d of m.shape) if (typeof d === 'string') freeDimensionOverrides[d] = WEBNN_BATCH;
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: [{ name: 'webnn', deviceType: 'cpu', context } as ort.InferenceSession.ExecutionProviderConfig],
      freeDimensionOverrides,
      graphOptimizationLevel: 'all',
    });
  } catch (error) {
    return notUsed(`WebNN could not load this model (${(error as Error).message}); using WASM`);
  }
  const webnn: Encoder = { session, iface: wasm.iface, inputType: wasm.inputType, backend: { kind: 'webnn', adapter: 'CPU' } };
  const size = wasm.iface.imageSize!;
  const input = syntheticPixelValues(WEBNN_BATCH, 7, size);
  const dims = [WEBNN_BATCH, 3, size, size];
  const trial = async (encoder: Encoder): Promise<BackendTrial> => {
    await runOnce(encoder, input, dims);
    const started = performance.now();
    const vectors = await runOnce(encoder, input, dims);
    return { ms: performance.now() - started, vectors };
  };
  try {
    const onWasm = await trial(wasm);
    const onWebnn = await trial(webnn);
    const verdict = judgeWebnn({ ...onWasm, ms: onWasm.ms / wasmSessions }, onWebnn, wasm.iface.dim, requested);
    if (!verdict.use) {
      await session.release();
      return notUsed(verdict.reason);
    }
    await wasm.session.release();
    webnn.backend = { ...webnn.backend, detail: verdict.reason };
    return webnn;
  } catch (error) {
    await session.release();
    return notUsed(`WebNN failed on a test batch (${(error as Error).message}); using WASM`);
  }
}

/**
 * Runs one batch. If WebGPU fails at run time the encoder moves to WASM for good (encoder.backend says so) and the
 * batch runs again there.
 */
export async function runEncoder(encoder: Encoder, data: Float32Array | BigInt64Array, dims: number[]): Promise<Float32Array> {
  try {
    return await runOnce(encoder, data, dims);
  } catch (error) {
    if (encoder.backend.kind !== 'webgpu' || !encoder.bytes) throw error;
    await encoder.session.release().catch(() => {});
    const threads = configureWasm(undefined, (await detectCompute({ webgpu: false })).wasmThreads);
    encoder.backend = { kind: 'wasm', threads, fallbackReason: `WebGPU failed while running (${(error as Error).message}); switched to WASM` };
    encoder.session = await createOn(encoder.bytes, encoder.backend);
    encoder.bytes = undefined;
    return runOnce(encoder, data, dims);
  }
}

async function runOnce(encoder: Encoder, data: Float32Array | BigInt64Array, dims: number[]): Promise<Float32Array> {
  if (encoder.backend.kind !== 'webnn' || !(data instanceof Float32Array)) {
    return runClipSession(encoder.session, encoder.iface, encoder.inputType, ort.Tensor, data, dims);
  }
  // A WebNN session takes exactly WEBNN_BATCH images: longer batches go in slices, a short one is padded with zeros.
  const [count, ...image] = dims;
  const perImage = data.length / count;
  const out = new Float32Array(count * encoder.iface.dim);
  for (let start = 0; start < count; start += WEBNN_BATCH) {
    const n = Math.min(WEBNN_BATCH, count - start);
    const slice = new Float32Array(WEBNN_BATCH * perImage);
    slice.set(data.subarray(start * perImage, (start + n) * perImage));
    const vectors = await runClipSession(encoder.session, encoder.iface, encoder.inputType, ort.Tensor, slice, [WEBNN_BATCH, ...image]);
    out.set(vectors.subarray(0, n * encoder.iface.dim), start * encoder.iface.dim);
  }
  return out;
}
