/**
 * The two face networks inside the npm package @vladmandic/face-api (MIT; Vladimir Mandic's maintained fork of
 * Vincent Mühler's face-api.js), weights in its model/ folder and served from the app's own origin: they run
 * offline, with no download. Both run on TensorFlow.js (src/embed/faceApiEncoder.ts).
 *
 * Preprocessing as each was trained, read from face-api's source (node_modules/@vladmandic/face-api/src):
 * - FaceFeatureExtractor.forwardInput: `input.toBatchTensor(112, true)` (NetInput: pad to square, centred, then
 *   tf.image.resizeBilinear without align-corners or half-pixel centres), RGB in 0–255, minus the mean
 *   [122.782, 117.001, 104.298], divided by 255; four dense blocks and a 7 × 7 average pool give 256 values, which
 *   FaceExpressionNet's fully connected layer maps to its 7 expressions. The 256 are the backbone's features.
 * - FaceRecognitionNet.forwardInput: the same at 150 px; a ResNet-34-like net gives the 128-d descriptor.
 */
import type { Backbone, ImagePreprocessing } from './types';

const FACE_API_MEAN = [122.782, 117.001, 104.298] as const;

const faceApiPreprocessing = (size: number): ImagePreprocessing => ({
  size,
  resample: 'tf-bilinear',
  resize: 'pad-to-square',
  rescale: 1,
  mean: FACE_API_MEAN,
  std: [255, 255, 255],
  grayToRgb: 'replicate',
  layout: 'NHWC',
});

const CREDIT = 'face-api.js by Vincent Mühler, maintained as @vladmandic/face-api by Vladimir Mandic';

export const FACE_API_EXPRESSION: Backbone = {
  id: 'face-api-expression',
  repKind: 'face-api-expression',
  family: 'face-api',
  label: 'face-api expression network (features before its 7-way layer, 256-d)',
  trainedFor:
    'Recognising 7 facial expressions (neutral, happy, sad, angry, fearful, disgusted, surprised), trained by face-api.js’s author ' +
    '“on a variety of images from publicly available datasets as well as images scraped from the web”: those may include FER2013.',
  credit: CREDIT,
  licence: 'MIT',
  dim: 256,
  hasText: false,
  reference: true,
  runtime: 'tfjs',
  files: { vision: { fp32: 'face_expression_model-weights_manifest.json' } },
  vision: { inputName: 'NetInput (112 × 112 RGB)', outputName: 'FaceFeatureExtractor average pool [batch, 1, 1, 256]' },
  preprocessing: faceApiPreprocessing(112),
};

export const FACE_API_RECOGNITION: Backbone = {
  id: 'face-api-recognition',
  repKind: 'face-api-recognition',
  family: 'face-api',
  label: 'face-api recognition network (128-d face descriptor)',
  trainedFor:
    'Telling people apart (face identity, 99.38% on LFW): dlib’s face recognition ResNet, weights trained by Davis King on about 3 million faces, ' +
    'ported to TensorFlow.js by face-api.js. Not trained for expressions.',
  credit: `Davis King (dlib); ${CREDIT}`,
  licence: 'MIT (as shipped in face-api.js; see dlib’s model notes for the original weights)',
  dim: 128,
  hasText: false,
  reference: true,
  runtime: 'tfjs',
  files: { vision: { fp32: 'face_recognition_model-weights_manifest.json' } },
  vision: { inputName: 'NetInput (150 × 150 RGB)', outputName: 'FaceRecognitionNet fully connected [batch, 128]' },
  preprocessing: faceApiPreprocessing(150),
};

export const FACE_API_BACKBONES: readonly Backbone[] = [FACE_API_EXPRESSION, FACE_API_RECOGNITION];
