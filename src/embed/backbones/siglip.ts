/**
 * Google's SigLIP (Zhai et al., 2023) in the transformers.js ONNX export, Xenova/siglip-base-patch16-224.
 *
 * Its interface, from transformers.js (huggingface/transformers.js):
 * - src/models/siglip/modeling_siglip.js (SiglipModel, SiglipTextModel, SiglipVisionModel; the documented example
 *   tokenizes with `{ padding: 'max_length', truncation: true }` and gets `text_embeds` [n, 768] and
 *   `image_embeds` [n, 768]): the vision file takes `pixel_values` [batch, 3, 224, 224], the text file only
 *   `input_ids` (no attention mask: SigLIP was trained on text padded to 64 tokens, so prompts are always padded
 *   to 64).
 * - src/pipelines.js, ZeroShotImageClassificationPipeline: for model_type 'siglip' the hypothesis template is
 *   "This is a photo of {}." and the scores are a sigmoid per (image, label) pair, not a softmax over labels.
 * - the repo's preprocessor_config.json (SiglipImageProcessor): resize to 224 × 224 (no crop), bilinear, 1/255,
 *   mean and std 0.5: read at load time; the values below are the fallback for files picked from disk.
 */
import type { Backbone } from './types';

export const SIGLIP_BASE: Backbone = {
  id: 'siglip-base-patch16-224',
  repKind: 'siglip',
  family: 'siglip',
  label: 'SigLIP base, patch 16, 224 px',
  trainedFor: 'Matching images with their captions by a sigmoid loss: WebLI image–text pairs (Google, 2023).',
  credit: 'Google Research (Zhai et al., 2023); ONNX export by Xenova for transformers.js',
  licence: 'Apache-2.0',
  dim: 768,
  hasText: true,
  reference: false,
  runtime: 'onnx',
  hubRepo: 'Xenova/siglip-base-patch16-224',
  files: {
    vision: { fp32: 'onnx/vision_model.onnx', fp16: 'onnx/vision_model_fp16.onnx', quantized: 'onnx/vision_model_quantized.onnx' },
    text: { fp32: 'onnx/text_model.onnx', fp16: 'onnx/text_model_fp16.onnx', quantized: 'onnx/text_model_quantized.onnx' },
    tokenizer: 'tokenizer.json',
    preprocessorConfig: 'preprocessor_config.json',
  },
  vision: { inputName: 'pixel_values', outputName: 'image_embeds' },
  preprocessing: {
    size: 224,
    resample: 'bilinear',
    resize: 'square',
    rescale: 1 / 255,
    mean: [0.5, 0.5, 0.5],
    std: [0.5, 0.5, 0.5],
    grayToRgb: 'replicate',
    layout: 'NCHW',
  },
  text: {
    tokenizer: 'sentencepiece',
    inputName: 'input_ids',
    outputName: 'text_embeds',
    padding: 'max_length',
    maxLength: 64,
    template: 'This is a photo of {}.',
    scoring: 'sigmoid',
  },
};
