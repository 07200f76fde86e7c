/**
 * Google's SigLIP (Zhai et al., 2023) in the transformers.js ONNX export, Xenova/siglip-base-patch16-224.
 *
 * Its interface, from transformers.js (xenova/transformers.js, huggingface/transformers.js):
 * - scripts/extra/siglip.py, the export configs of the two files: SiglipVisionModelOnnxConfig and
 *   SiglipTextModelOnnxConfig both output `last_hidden_state` and `pooler_output`, and the text file is exported with
 *   int64 `input_ids` only (no attention mask). The towers are SiglipVisionModel and SiglipTextModel, whose
 *   documented examples (src/models.js) read `pooler_output` [n, 768] from each: SigLIP's vision pooler (attention
 *   pooling) and its text head applied to the last token, so `pooler_output`, not a `*_embeds` projection, is the
 *   embedding (image_embeds / text_embeds exist only in the combined SiglipModel file).
 * - the same examples tokenize with `{ padding: 'max_length', truncation: true }`: SigLIP was trained on text padded
 *   to 64 tokens, and without an attention mask the padding is part of the input, so prompts are always padded to
 *   64 with the tokenizer's pad token. Hugging Face's SiglipTokenizer (transformers,
 *   src/transformers/models/siglip/tokenization_siglip.py) is a SentencePiece (Unigram) tokenizer whose pad and
 *   end token are both "</s>", appended after the text; its tokenizer.json on the hub is of model type Unigram.
 * - src/pipelines.js, ZeroShotImageClassificationPipeline: for model_type 'siglip' the hypothesis template is
 *   "This is a photo of {}." and the scores are a sigmoid per (image, label) pair of the model's logits (its
 *   logit_scale × cosine + logit_bias), not a softmax over labels. The predicted class is the highest.
 * - the repo's preprocessor_config.json (SiglipImageProcessor): resize to 224 × 224 (no crop), bilinear, 1/255,
 *   mean and std 0.5: read at load time; the values below are the fallback for files picked from disk.
 *
 * logit_scale and logit_bias live in the combined model only, not in the two tower files Facet loads. The values
 * below (exp(logit_scale) ≈ 117.33, logit_bias ≈ −12.93 for siglip-base-patch16-224) are as a public project's
 * test lists them for this checkpoint; they were not read from the weights here. They change the shown
 * probabilities only: a scale > 0 and a bias shared by all classes keep the order of the cosines, so the predicted
 * class and the accuracy do not depend on them.
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
  vision: { inputName: 'pixel_values', outputName: 'pooler_output' },
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
    outputName: 'pooler_output',
    padding: 'max_length',
    maxLength: 64,
    template: 'This is a photo of {}.',
    scoring: 'sigmoid',
    logitScale: 117.330795,
    logitBias: -12.932437,
    padToken: '</s>',
  },
};
