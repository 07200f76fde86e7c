/**
 * Face detection with @vladmandic/face-api (MIT; the face-api.js models it ships in its model/ folder), on the
 * TensorFlow.js the project already uses (its "nobundle" build imports @tensorflow/tfjs instead of carrying a copy).
 * Weights are decoded from the package's own manifest + .bin files, which the app serves from its own origin: no
 * network, no model hub. Input is RGBA pixels as a tensor, so it runs in a worker (no DOM, no canvas).
 */
import * as tf from '@tensorflow/tfjs';
import * as faceapi from '@vladmandic/face-api/dist/face-api.esm-nobundle.js';
import { loadFaceApiWeights, type ReadModelFile } from '../embed/faceApiEncoder';

export type DetectorKind = 'ssd' | 'tiny';

export const DETECTORS: Record<DetectorKind, { label: string; model: 'ssd_mobilenetv1_model' | 'tiny_face_detector_model' }> = {
  ssd: { label: 'SSD MobileNet v1 (accurate, 5.6 MB)', model: 'ssd_mobilenetv1_model' },
  tiny: { label: 'Tiny face detector (fast, 0.2 MB)', model: 'tiny_face_detector_model' },
};

export const LANDMARK_MODEL = 'face_landmark_68_model';
export type ModelName = (typeof DETECTORS)[DetectorKind]['model'] | typeof LANDMARK_MODEL;

interface Point {
  x: number;
  y: number;
}

export interface DetectedFace {
  /** the detector's box, in the pixels it was given */
  box: { x: number; y: number; width: number; height: number };
  score: number;
  /** eye centres (means of the 68-point landmarks' eye contours), image-left first; absent when landmarks failed */
  eyes?: { left: Point; right: Point };
}

export type { ReadModelFile } from '../embed/faceApiEncoder';

/** The package's weights for `name`, decoded (shared with the face-api backbones of the Embed section). */
const loadWeights = (net: { loadFromWeightMap(map: tf.NamedTensorMap): void }, name: ModelName, read: ReadModelFile) =>
  loadFaceApiWeights(net, `${name}-weights_manifest.json`, read, tf);

const mean = (points: Point[]): Point => ({
  x: points.reduce((s, p) => s + p.x, 0) / points.length,
  y: points.reduce((s, p) => s + p.y, 0) / points.length,
});

export interface FaceDetector {
  kind: DetectorKind;
  detect(rgba: Uint8ClampedArray, width: number, height: number, minConfidence?: number): Promise<DetectedFace[]>;
}

/**
 * face-api sets up its environment for a window (DOM) or Node.js; a worker is neither, and even with tensor inputs
 * it asks the environment whether an input is an image, canvas or video element. A worker gets OffscreenCanvas
 * and classes no input is an instance of.
 */
function ensureEnvironment() {
  try {
    faceapi.env.getEnv();
  } catch {
    class NoElement {}
    const refuse = () => {
      throw new Error('face-api: no DOM elements in a worker');
    };
    faceapi.env.setEnv({
      Canvas: OffscreenCanvas,
      CanvasRenderingContext2D: OffscreenCanvasRenderingContext2D,
      Image: NoElement,
      ImageData,
      Video: NoElement,
      createCanvasElement: () => new OffscreenCanvas(1, 1),
      createImageElement: refuse,
      createVideoElement: refuse,
      fetch: fetch.bind(globalThis),
      readFile: refuse,
    } as never);
  }
}

/** Loads the chosen detector and the 68-point landmarks (once each) and returns a detector over RGBA pixels. */
export async function createFaceDetector(kind: DetectorKind, read: ReadModelFile): Promise<FaceDetector> {
  ensureEnvironment();
  const nets = faceapi.nets;
  const detectorNet = kind === 'ssd' ? nets.ssdMobilenetv1 : nets.tinyFaceDetector;
  if (!detectorNet.isLoaded) await loadWeights(detectorNet as never, DETECTORS[kind].model, read);
  if (!nets.faceLandmark68Net.isLoaded) await loadWeights(nets.faceLandmark68Net as never, LANDMARK_MODEL, read);
  return {
    kind,
    async detect(rgba, width, height, minConfidence = 0.4) {
      const input = tf.tidy(() => tf.tensor3d(new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length), [height, width, 4], 'int32').slice([0, 0, 0], [height, width, 3]).toFloat());
      try {
        const options =
          kind === 'ssd'
            ? new faceapi.SsdMobilenetv1Options({ minConfidence, maxResults: 20 })
            : new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: minConfidence });
        const results = await faceapi.detectAllFaces(input as never, options).withFaceLandmarks();
        return results
          .map((r) => {
            const box = r.detection.box;
            const left = mean(r.landmarks.getLeftEye());
            const right = mean(r.landmarks.getRightEye());
            const eyes = left.x <= right.x ? { left, right } : { left: right, right: left };
            return { box: { x: box.x, y: box.y, width: box.width, height: box.height }, score: r.detection.score, eyes };
          })
          .sort((a, b) => a.box.x - b.box.x);
      } finally {
        input.dispose();
      }
    },
  };
}
