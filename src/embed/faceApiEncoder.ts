/**
 * The face-api backbones (src/embed/backbones/faceApi.ts) on TensorFlow.js: the expression network's feature
 * extractor (its 256 penultimate values) and the recognition network's 128-d descriptor. Inputs go through face-api's
 * own NetInput (pad to square, resizeBilinear to the network's size), so each net sees faces prepared as it was
 * trained; the mean subtraction and /255 are inside the nets' forwardInput. Runs wherever TensorFlow.js runs: the
 * embed worker (WASM backend), Node (the command line, tests; the CPU backend).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type * as FaceApiModule from '@vladmandic/face-api/dist/face-api.esm-nobundle.js';

/**
 * face-api as loaded by the caller: its ESM "nobundle" build in the browser (on the app's TensorFlow.js), its
 * node-wasm CommonJS build in Node (the ESM build does not load in plain Node; the CommonJS one shares Node's
 * `@tensorflow/tfjs`). Weights, inputs and ops all come from the TensorFlow.js face-api itself uses (`faceapi.tf`).
 */
export type FaceApi = typeof FaceApiModule;
const tfOf = (faceapi: FaceApi) => (faceapi as unknown as { tf: typeof tfTypes }).tf;
import type { Backbone } from './backbones';
import type { EncoderInterface } from './modelInterface';

/** Reads one of the package's model files: `${name}-weights_manifest.json` or the .bin it names. */
export type ReadModelFile = (file: string) => Promise<ArrayBuffer>;

interface ManifestGroup {
  paths: string[];
  weights: tfTypes.io.WeightsManifestEntry[];
}

/** Decodes a face-api net's weights from its manifest and .bin files, checking their sizes agree. */
export async function loadFaceApiWeights(
  net: { loadFromWeightMap(map: tfTypes.NamedTensorMap): void },
  manifestFile: string,
  read: ReadModelFile,
  tf: typeof tfTypes,
): Promise<number> {
  const name = manifestFile.replace(/-weights_manifest\.json$/, '');
  const manifest = JSON.parse(new TextDecoder().decode(await read(manifestFile))) as ManifestGroup[];
  const buffers = await Promise.all(manifest.flatMap((g) => g.paths).map((path) => read(path)));
  const specs = manifest.flatMap((g) => g.weights);
  const bytes = tf.io.concatenateArrayBuffers(buffers);
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * (s.quantization ? (s.quantization.dtype === 'uint8' ? 1 : 2) : 4), 0);
  if (bytes.byteLength !== expected) throw new Error(`${name}: the weights hold ${bytes.byteLength} bytes, the manifest describes ${expected}`);
  net.loadFromWeightMap(tf.io.decodeWeights(bytes, specs));
  return bytes.byteLength;
}

export interface FaceApiEncoder {
  backbone: Backbone;
  iface: EncoderInterface;
  bytes: number;
  /** faces: `count` RGB faces of side × side, 0–255, NHWC (pixelValues with the backbone's preprocessing) */
  run(faces: Float32Array, count: number): Promise<Float32Array>;
  dispose(): void;
}

export async function createFaceApiEncoder(faceapi: FaceApi, backbone: Backbone, read: ReadModelFile): Promise<FaceApiEncoder> {
  const tf = tfOf(faceapi);
  if (backbone.family !== 'face-api') throw new Error(`${backbone.label} is not a face-api network`);
  const manifest = backbone.files.vision.fp32!;
  const expression = backbone.id === 'face-api-expression';
  const net = expression ? new faceapi.FaceExpressionNet() : new faceapi.FaceRecognitionNet();
  const bytes = await loadFaceApiWeights(net as never, manifest, read, tf);
  const dim = backbone.dim;
  const iface: EncoderInterface = {
    kind: 'vision',
    inputName: backbone.vision.inputName,
    outputName: backbone.vision.outputName,
    dim,
    imageSize: backbone.preprocessing.size,
  };
  return {
    backbone,
    iface,
    bytes,
    async run(faces, count) {
      const side = Math.round(Math.sqrt(faces.length / count / 3));
      if (side * side * 3 * count !== faces.length) throw new Error(`${faces.length} values are not ${count} square RGB faces`);
      const out = tf.tidy(() => {
        const batch = tf.tensor4d(faces, [count, side, side, 3]);
        const input = new faceapi.NetInput(tf.unstack(batch) as never, true);
        const features = expression
          ? (net as InstanceType<typeof faceapi.FaceExpressionNet>).faceFeatureExtractor.forwardInput(input)
          : (net as InstanceType<typeof faceapi.FaceRecognitionNet>).forwardInput(input);
        return tf.reshape(features as unknown as tfTypes.Tensor, [count, dim]);
      });
      try {
        return (await out.data()) as Float32Array;
      } finally {
        out.dispose();
      }
    },
    dispose() {
      net.dispose();
    },
  };
}
