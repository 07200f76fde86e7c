/**
 * What a backbone (an image encoder, maybe with a text tower) declares, so that loading, checking, preprocessing,
 * embedding and zero-shot read it from one place instead of assuming CLIP. One file per family registers its entries
 * (clip.ts, siglip.ts, faceApi.ts); index.ts lists them.
 */
import type { Precision } from '../modelSource';

/** How a face becomes the encoder's input. Values: (x * rescale - mean[c]) / std[c] per RGB channel. */
export interface ImagePreprocessing {
  /** the side of the square the encoder takes */
  size: number;
  /** 'bicubic' and 'bilinear' are Pillow's (the hub's Python processors); 'tf-bilinear' is TensorFlow.js'
   *  resizeBilinear without half-pixel centres, done by the network runner (face-api's NetInput.toBatchTensor) */
  resample: 'bicubic' | 'bilinear' | 'tf-bilinear';
  /** 'shortest-edge' resizes the shorter side to `size` and centre-crops; 'square' resizes both sides to `size`;
   *  'pad-to-square' pads the shorter side (centred) and resizes (face-api's NetInput) */
  resize: 'shortest-edge' | 'square' | 'pad-to-square';
  rescale: number;
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  /** FER2013 is gray: every backbone here takes RGB, made by copying the gray value into each channel */
  grayToRgb: 'replicate';
  /** tensor layout of the encoder input */
  layout: 'NCHW' | 'NHWC';
}

/** A text tower and how prompts are written, tokenized and scored against images. */
export interface TextTower {
  tokenizer: 'clip-bpe' | 'sentencepiece';
  inputName: string;
  outputName: string;
  /** 'longest': pad to the longest prompt of the batch (CLIP); 'max_length': always pad to maxLength (SigLIP) */
  padding: 'longest' | 'max_length';
  maxLength: number;
  /** the family's own prompt template ({} stands for the class name) */
  template: string;
  /** CLIP: softmax over the classes of the cosine similarities; SigLIP: a sigmoid per (image, prompt) pair */
  scoring: 'softmax' | 'sigmoid';
  /** logits = logitScale × cosine + logitBias (the checkpoint's exp(logit_scale) and logit_bias) */
  logitScale: number;
  logitBias: number;
  /** the token `max_length` padding fills with (SentencePiece tokenizers; CLIP pads with its end token) */
  padToken?: string;
}

export interface Backbone {
  /** the registry id, shown in settings and session records */
  id: string;
  /** Representation.kind of the embeddings it makes: 'clip' for every CLIP checkpoint (stored keys stay readable) */
  repKind: string;
  family: 'clip' | 'siglip' | 'face-api';
  label: string;
  /** what the network was trained for, on what and by whom, in a sentence shown in the Embed section */
  trainedFor: string;
  credit: string;
  licence: string;
  dim: number;
  hasText: boolean;
  /**
   * Its training data may contain FER2013 or faces like it (or it was trained for emotion itself): its accuracy is a
   * reference point, not a clean baseline against CLIP.
   */
  reference: boolean;
  runtime: 'onnx' | 'tfjs';
  /** where its files come from: a Hugging Face repo in the transformers.js layout, or the face-api npm package */
  hubRepo?: string;
  /** file paths in the source's layout (hub: per precision; face-api: the weights manifest and its .bin) */
  files: {
    vision: Partial<Record<Precision, string>>;
    text?: Partial<Record<Precision, string>>;
    tokenizer?: string;
    /** transformers.js' preprocessor_config.json: read when the source has one, else `preprocessing` is used */
    preprocessorConfig?: string;
  };
  vision: { inputName: string; outputName: string };
  preprocessing: ImagePreprocessing;
  text?: TextTower;
}

const TRIPLE = (v: unknown): v is [number, number, number] => Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/**
 * The preprocessing a hub model's preprocessor_config.json describes (as transformers.js' image processors read it),
 * with `fallback` for what it does not say. Refuses a resampling Facet does not implement rather than running
 * another one silently.
 */
export function preprocessingFromConfig(config: Record<string, unknown>, fallback: ImagePreprocessing): ImagePreprocessing {
  const out: ImagePreprocessing = { ...fallback };
  const size = config.size as Record<string, number> | number | undefined;
  const crop = config.crop_size as Record<string, number> | number | undefined;
  const side = (v: Record<string, number> | number | undefined) =>
    typeof v === 'number' ? v : v && typeof v === 'object' ? (v.shortest_edge ?? (v.height === v.width ? v.height : undefined)) : undefined;
  if (config.do_resize !== false && size !== undefined) {
    const s = side(size);
    if (!s) throw new Error(`preprocessor_config.json: size ${JSON.stringify(size)} is not square or a shortest edge`);
    const centreCrop = config.do_center_crop === true;
    out.resize = typeof size === 'object' && 'shortest_edge' in size ? 'shortest-edge' : 'square';
    out.size = centreCrop ? (side(crop) ?? s) : s;
    if (out.resize === 'shortest-edge' && !centreCrop) throw new Error('preprocessor_config.json: a shortest-edge resize without a centre crop is not a square input');
  }
  if (config.resample !== undefined) {
    // PIL's codes, as transformers.js reads them: 2 bilinear, 3 bicubic.
    if (config.resample === 3) out.resample = 'bicubic';
    else if (config.resample === 2) out.resample = 'bilinear';
    else throw new Error(`preprocessor_config.json: resample ${String(config.resample)} is not supported (bicubic 3 or bilinear 2)`);
  }
  if (config.do_rescale !== false && typeof config.rescale_factor === 'number') out.rescale = config.rescale_factor;
  if (config.do_normalize !== false) {
    if (TRIPLE(config.image_mean)) out.mean = config.image_mean;
    if (TRIPLE(config.image_std)) out.std = config.image_std;
  } else {
    out.mean = [0, 0, 0];
    out.std = [1, 1, 1];
  }
  return out;
}
