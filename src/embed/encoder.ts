/**
 * A CLIP encoder session in onnxruntime-web: created on the chosen backend (falling back from WebGPU to WASM when
 * WebGPU fails, and saying so), checked against the CLIP interface, and run on batches. Worker-only code.
 */
import * as ort from 'onnxruntime-web';
import { chooseBackend, detectCompute, type BackendInUse, type BackendPreference } from '../lib/compute';
import { encoderInterface, runClipSession } from './encoderSession';
import type { EncoderInterface } from './modelInterface';
import type { EncoderKind } from './modelSource';

export interface Encoder {
  session: ort.InferenceSession;
  iface: EncoderInterface;
  backend: BackendInUse;
  inputType: string;
  /** kept while on WebGPU, to re-create the session on WASM if the GPU fails at run time (e.g. a lost device) */
  bytes?: Uint8Array;
}

let configuredThreads: number | undefined;

/** onnxruntime-web reads its thread count once, when its WASM starts: one worker serves one thread setting. */
function configureWasm(threads: number | undefined, available: number): number {
  const wanted = Math.max(1, Math.min(threads ?? available, available));
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

export async function createEncoder(
  kind: EncoderKind,
  bytes: Uint8Array,
  preference: BackendPreference,
  threads?: number,
): Promise<Encoder> {
  const caps = await detectCompute();
  let backend = chooseBackend(caps, preference);
  const wasmThreads = configureWasm(threads, caps.wasmThreads);
  if (backend.kind === 'wasm') backend = { ...backend, threads: wasmThreads };
  let session: ort.InferenceSession;
  try {
    session = await createOn(bytes, backend);
  } catch (error) {
    if (backend.kind !== 'webgpu') throw error;
    const reason = `WebGPU failed (${(error as Error).message}); using WASM`;
    backend = { kind: 'wasm', threads: wasmThreads, fallbackReason: reason };
    session = await createOn(bytes, backend);
  }
  try {
    const { iface, inputType } = encoderInterface(kind, session);
    return { session, iface, backend, inputType, bytes: backend.kind === 'webgpu' ? bytes : undefined };
  } catch (error) {
    await session.release();
    throw error;
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
    const threads = configureWasm(undefined, (await detectCompute()).wasmThreads);
    encoder.backend = { kind: 'wasm', threads, fallbackReason: `WebGPU failed while running (${(error as Error).message}); switched to WASM` };
    encoder.session = await createOn(encoder.bytes, encoder.backend);
    encoder.bytes = undefined;
    return runOnce(encoder, data, dims);
  }
}

function runOnce(encoder: Encoder, data: Float32Array | BigInt64Array, dims: number[]): Promise<Float32Array> {
  return runClipSession(encoder.session, encoder.iface, encoder.inputType, ort.Tensor, data, dims);
}
