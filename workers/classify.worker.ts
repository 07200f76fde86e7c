/**
 * Classify worker: opens photos (downscaled safely), detects faces with landmarks, cuts the 48×48 gray faces, and
 * runs a saved MLP run and the nearest-training-faces search, all off the main thread. Logic lives in src/classify/.
 */
import * as tf from '@tensorflow/tfjs';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import ssdManifest from '@vladmandic/face-api/model/ssd_mobilenetv1_model-weights_manifest.json?url';
import ssdBin from '@vladmandic/face-api/model/ssd_mobilenetv1_model.bin?url';
import tinyManifest from '@vladmandic/face-api/model/tiny_face_detector_model-weights_manifest.json?url';
import tinyBin from '@vladmandic/face-api/model/tiny_face_detector_model.bin?url';
import landmarkManifest from '@vladmandic/face-api/model/face_landmark_68_model-weights_manifest.json?url';
import landmarkBin from '@vladmandic/face-api/model/face_landmark_68_model.bin?url';
import { cropFromBox, cropFromEyes, scaleCrop, type Crop } from '../src/classify/crop';
import { createFaceDetector, type DetectorKind, type FaceDetector } from '../src/classify/detector';
import { nearestRows } from '../src/classify/neighbours';
import { bitmapPixels, openPhoto } from '../src/classify/photo';
import { faceFromGray, rgbaToGray, type Gray8 } from '../src/classify/pixels';
import { readFaces } from '../src/dataset/browse';
import { SPLITS } from '../src/dataset/faceSet';
import { getColumns } from '../src/dataset/storage';
import { loadStoredEmbeddings, representationKey, type Representation } from '../src/embed/embeddingCache';
import { exposeApi, transfer, type JobContext } from '../src/lib/rpc';
import { provideTfWasmFiles, setTfCpuBackend } from '../src/lib/tfCpu';
import { getRunModel } from '../src/train/runs';
import type { ClassifyWorkerApi, FoundFace } from '../src/classify/classifyWorker';

// The package's model files, emitted into the build by Vite and served from the app's own origin.
const MODEL_FILES: Record<string, string> = {
  'ssd_mobilenetv1_model-weights_manifest.json': ssdManifest,
  'ssd_mobilenetv1_model.bin': ssdBin,
  'tiny_face_detector_model-weights_manifest.json': tinyManifest,
  'tiny_face_detector_model.bin': tinyBin,
  'face_landmark_68_model-weights_manifest.json': landmarkManifest,
  'face_landmark_68_model.bin': landmarkBin,
};

async function readModelFile(file: string): Promise<ArrayBuffer> {
  const url = MODEL_FILES[file];
  if (!url) throw new Error(`The face detector has no file ${file}`);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`The face detector's ${file} could not be read (HTTP ${response.status})`);
  return response.arrayBuffer();
}

provideTfWasmFiles({ plain: wasmPlain, simd: wasmSimd });
let backend: Promise<string> | undefined;
const ready = () => (backend ??= setTfCpuBackend().then(async (name) => (await tf.ready(), name)));

interface Photo {
  rgba: Uint8ClampedArray;
  gray: Gray8;
  /** working pixels per original pixel */
  scale: number;
}
const photos = new Map<string, Photo>();
const detectors = new Map<DetectorKind, Promise<FaceDetector>>();
const runModels = new Map<string, Promise<tf.LayersModel>>();
let trainVectors: { key: string; vectors: Float32Array; indices: number[]; ids: string[]; labels: Uint8Array } | undefined;

function photo(id: string): Photo {
  const found = photos.get(id);
  if (!found) throw new Error('The photo is no longer open: open it again');
  return found;
}

const api = {
  async backend(): Promise<string> {
    return ready();
  },

  /** Decodes a photo; returns its working-size bitmap (for the page to show) and an id for later jobs. */
  async openPhoto(input: { file: Blob; name: string }): Promise<{ id: string; bitmap: ImageBitmap; width: number; height: number; originalWidth: number; originalHeight: number }> {
    const opened = await openPhoto(input.file, input.name);
    const { bitmap } = opened;
    const rgba = bitmapPixels(bitmap);
    const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    // One photo at a time is worked on: the previous ones' pixels are let go.
    photos.clear();
    photos.set(id, { rgba, gray: rgbaToGray(rgba, bitmap.width, bitmap.height), scale: bitmap.width / opened.originalWidth });
    const result = { id, bitmap, width: bitmap.width, height: bitmap.height, originalWidth: opened.originalWidth, originalHeight: opened.originalHeight };
    return transfer(result, [bitmap]);
  },

  /** Every face in the photo, left to right, each with its FER-framed crop (eyes levelled when landmarks are found). */
  async detectFaces(input: { id: string; detector: DetectorKind }, ctx: JobContext<string>): Promise<{ faces: FoundFace[]; ms: number }> {
    await ready();
    if (!detectors.has(input.detector)) {
      ctx.progress('Loading the face detector…');
      const loading = createFaceDetector(input.detector, readModelFile);
      detectors.set(input.detector, loading);
      loading.catch(() => detectors.delete(input.detector));
    }
    const detector = await detectors.get(input.detector)!;
    const { rgba, gray } = photo(input.id);
    ctx.progress('Looking for faces…');
    const started = performance.now();
    const found = await detector.detect(rgba, gray.width, gray.height);
    const faces = found.map((f) => ({ ...f, crop: f.eyes ? cropFromEyes(f.eyes.left, f.eyes.right) : cropFromBox(f.box) }));
    return { faces, ms: performance.now() - started };
  },

  /** The 48×48 gray face a crop (working-image pixels) cuts from the photo. */
  async cutFace(input: { id: string; crop: Crop }): Promise<Uint8Array> {
    const pixels = faceFromGray(photo(input.id).gray, input.crop);
    return transfer(pixels, [pixels.buffer]);
  },

  /** The crop in the original photo's pixels (for display). */
  async originalCrop(input: { id: string; crop: Crop }): Promise<Crop> {
    return scaleCrop(input.crop, 1 / photo(input.id).scale);
  },

  /** Class probabilities from a saved run's MLP for `rows` feature vectors of `dim` values. */
  async predictWithRun(input: { runId: string; features: Float32Array; dim: number }): Promise<Float32Array> {
    await ready();
    if (!runModels.has(input.runId)) {
      const loading = (async () => {
        const files = await getRunModel(input.runId);
        if (!files) throw new Error('The weights of this run are no longer stored: train again');
        return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: files.modelTopology, weightSpecs: files.weightSpecs as tf.io.WeightsManifestEntry[], weightData: files.weightData }));
      })();
      runModels.set(input.runId, loading);
      loading.catch(() => runModels.delete(input.runId));
    }
    const model = await runModels.get(input.runId)!;
    const expected = model.inputs[0].shape[1];
    if (expected !== input.dim) throw new Error(`This run's model takes ${expected} values per face, not ${input.dim}`);
    const probabilities = tf.tidy(() => (model.predict(tf.tensor2d(input.features, [input.features.length / input.dim, input.dim])) as tf.Tensor).dataSync() as Float32Array);
    return transfer(probabilities, [probabilities.buffer]);
  },

  /** The `k` training faces nearest to `vector` (L2-normalized) among a dataset's embedded training images. */
  async nearestTrainingFaces(input: { datasetId: string; rep: Representation; vector: Float32Array; k: number }) {
    const key = `${input.datasetId}|${representationKey(input.rep)}`;
    if (trainVectors?.key !== key) {
      const columns = await getColumns(input.datasetId);
      if (!columns) throw new Error('The dataset is no longer stored');
      const train = SPLITS.indexOf('train');
      const trainIndices = columns.imageIds.flatMap((_, i) => (columns.splits[i] === train ? [i] : []));
      const { positions, vectors } = await loadStoredEmbeddings(input.rep, trainIndices.map((i) => columns.imageIds[i]));
      const indices = positions.map((p) => trainIndices[p]);
      trainVectors = { key, vectors, indices, ids: indices.map((i) => columns.imageIds[i]), labels: Uint8Array.from(indices, (i) => columns.labels[i]) };
    }
    const { vectors, indices, labels, ids } = trainVectors;
    if (indices.length === 0) return { embedded: 0, faces: [], pixels: new Uint8Array(0) };
    const nearest = nearestRows(vectors, input.rep.dim, input.vector, input.k);
    const pixels = await readFaces(input.datasetId, nearest.map((n) => indices[n.row]));
    const faces = nearest.map((n) => ({ index: indices[n.row], imageId: ids[n.row], label: labels[n.row], similarity: n.similarity }));
    return transfer({ embedded: indices.length, faces, pixels }, [pixels.buffer]);
  },
} satisfies ClassifyWorkerApi;

exposeApi(api);
