/** OpenAI's CLIP in the transformers.js ONNX exports (Xenova/clip-vit-*): the paper's model and its larger siblings. */
import type { Backbone, ImagePreprocessing, TextTower } from './types';

export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

/** CLIPImageProcessor: bicubic shortest edge to 224, centre crop, 1/255, CLIP's mean and std. */
export const CLIP_PREPROCESSING: ImagePreprocessing = {
  size: 224,
  resample: 'bicubic',
  resize: 'shortest-edge',
  rescale: 1 / 255,
  mean: CLIP_MEAN,
  std: CLIP_STD,
  grayToRgb: 'replicate',
  layout: 'NCHW',
};

export const CLIP_TEXT: TextTower = {
  tokenizer: 'clip-bpe',
  inputName: 'input_ids',
  outputName: 'text_embeds',
  padding: 'longest',
  maxLength: 77,
  template: 'A {} human face',
  scoring: 'softmax',
  // CLIP's learned temperature reached its clamp of 100; a bias shared by every class changes no softmax
  logitScale: 100,
  logitBias: 0,
};

const HUB_FILES = {
  vision: { fp32: 'onnx/vision_model.onnx', fp16: 'onnx/vision_model_fp16.onnx', quantized: 'onnx/vision_model_quantized.onnx' },
  text: { fp32: 'onnx/text_model.onnx', fp16: 'onnx/text_model_fp16.onnx', quantized: 'onnx/text_model_quantized.onnx' },
  tokenizer: 'tokenizer.json',
  preprocessorConfig: 'preprocessor_config.json',
};

const clip = (id: string, repo: string, label: string, dim: number): Backbone => ({
  id,
  repKind: 'clip',
  family: 'clip',
  label,
  trainedFor: 'Matching images with their captions: 400 million image–text pairs from the web (OpenAI, 2021).',
  credit: 'OpenAI (Radford et al., 2021); ONNX export by Xenova for transformers.js',
  licence: 'MIT',
  dim,
  hasText: true,
  reference: false,
  runtime: 'onnx',
  hubRepo: repo,
  files: HUB_FILES,
  vision: { inputName: 'pixel_values', outputName: 'image_embeds' },
  preprocessing: CLIP_PREPROCESSING,
  text: CLIP_TEXT,
});

export const CLIP_BACKBONES: readonly Backbone[] = [
  clip('clip-vit-b-32', 'Xenova/clip-vit-base-patch32', 'CLIP ViT-B/32 (the paper’s model)', 512),
  clip('clip-vit-b-16', 'Xenova/clip-vit-base-patch16', 'CLIP ViT-B/16', 512),
  clip('clip-vit-l-14', 'Xenova/clip-vit-large-patch14', 'CLIP ViT-L/14', 768),
];
