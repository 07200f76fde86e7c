/**
 * TensorFlow.js for the MLP, on the fastest backend this browser has (WebGPU on a hardware adapter, else WASM with
 * SIMD, else plain JS). Only the MLP's job imports this module (dynamically): a worker that only grows forests or
 * fits linear probes never loads TensorFlow.js.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { chooseBackend, detectCompute } from '../lib/compute';
import { setTfCpuBackend } from '../lib/tfCpu';
import { sharedKernel } from './kernel/kernel';
import type { ModelFiles } from './types';

let backend: Promise<string> | undefined;

async function pickBackend(): Promise<string> {
  const caps = await detectCompute();
  if (chooseBackend(caps, 'auto').kind === 'webgpu' && (await tf.setBackend('webgpu').catch(() => false))) return 'webgpu';
  return setTfCpuBackend();
}

/** The backend in use, chosen once. */
export function tfBackend(): Promise<string> {
  backend ??= pickBackend().then(async (name) => (await tf.ready(), name));
  return backend;
}

/**
 * What trains the MLP: TensorFlow.js on WebGPU, else the WASM kernel (e.g. "wasm-kernel (relaxed SIMD, 2
 * threads)"), else TensorFlow.js on the CPU backend it has.
 */
export async function trainerName(): Promise<string> {
  const name = await tfBackend();
  if (name === 'webgpu') return name;
  const kernel = await sharedKernel();
  return kernel ? kernel.describe() : name;
}

/** After a lost GPU device (or a kernel the adapter cannot run): the CPU backend from now on. */
export function fallBackToCpu(): Promise<string> {
  backend = setTfCpuBackend();
  return backend;
}

/** The model as TensorFlow.js files, through a save handler (no download, no IndexedDB of tfjs's own). */
export async function modelFiles(model: tf.LayersModel): Promise<ModelFiles> {
  let files: ModelFiles | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      files = {
        modelTopology: artifacts.modelTopology as object,
        weightSpecs: artifacts.weightSpecs ?? [],
        weightData: data instanceof ArrayBuffer ? data : tf.io.concatenateArrayBuffers(data as ArrayBuffer[]),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return files!;
}

export const loadModelFiles = (files: ModelFiles) =>
  tf.loadLayersModel(tf.io.fromMemory({ modelTopology: files.modelTopology, weightSpecs: files.weightSpecs as tf.io.WeightsManifestEntry[], weightData: files.weightData }));
