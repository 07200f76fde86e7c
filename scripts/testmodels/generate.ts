/**
 * `npm run models -- [preset ...] [--force]`: writes CLIP-shaped ONNX models with random weights into
 * models/<preset>/ in the Hugging Face Hub repo's layout (onnx/vision_model.onnx, onnx/text_model.onnx, their
 * _quantized int8 variants, tokenizer.json) plus facet-model.json. Presets: tiny (tests; also writes siglip-tiny,
 * SigLIP's interface), vit-b-32 (benchmarks).
 * Skips a preset whose files exist for the same generator version and settings.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIP_MEAN, CLIP_STD } from '../../src/embed/backbones/clip';
import { clipTokenizerJson } from '../tokenizer/clipTokenizerJson';
import { siglipTokenizerJson } from '../tokenizer/siglipTokenizerJson';
import { buildTextModel, buildVisionModel, PRESETS, type ClipShape } from './clip';

// 2: SigLIP's interface as transformers.js exports it (pooler_output, last-position text head, Unigram tokenizer.json)
const GENERATOR_VERSION = 2;
const SEED = 20240601;

/**
 * config.json and preprocessor_config.json as openai/clip-vit-base-patch32 has them, for this shape: Facet does not
 * read them, but transformers.js (the peer benchmark, bench/peer.ts) will not load a model folder without them.
 */
export function transformersJsConfigs(shape: ClipShape): { config: object; preprocessor: object } {
  const { vision, text, embedDim } = shape;
  const config = {
    architectures: ['CLIPModel'],
    model_type: 'clip',
    projection_dim: embedDim,
    logit_scale_init_value: 2.6592,
    text_config: {
      model_type: 'clip_text_model',
      hidden_size: text.width,
      intermediate_size: text.mlp,
      num_attention_heads: text.heads,
      num_hidden_layers: text.layers,
      max_position_embeddings: text.context,
      vocab_size: text.vocab,
      hidden_act: 'quick_gelu',
      layer_norm_eps: 1e-5,
      projection_dim: embedDim,
      bos_token_id: 49406,
      eos_token_id: 49407,
      pad_token_id: 1,
    },
    vision_config: {
      model_type: 'clip_vision_model',
      hidden_size: vision.width,
      intermediate_size: vision.mlp,
      num_attention_heads: vision.heads,
      num_hidden_layers: vision.layers,
      image_size: vision.imageSize,
      patch_size: vision.patch,
      num_channels: 3,
      hidden_act: 'quick_gelu',
      layer_norm_eps: 1e-5,
      projection_dim: embedDim,
    },
  };
  if (shape.family === 'siglip') {
    // As Xenova/siglip-base-patch16-224 has them (src/embed/backbones/siglip.ts cites the transformers.js sources).
    return {
      config: { architectures: ['SiglipModel'], model_type: 'siglip', text_config: { model_type: 'siglip_text_model', max_position_embeddings: text.context, hidden_size: text.width, vocab_size: text.vocab }, vision_config: { model_type: 'siglip_vision_model', image_size: vision.imageSize, patch_size: vision.patch, hidden_size: vision.width } },
      preprocessor: {
        image_processor_type: 'SiglipImageProcessor',
        do_resize: true,
        size: { height: vision.imageSize, width: vision.imageSize },
        resample: 2, // PIL bilinear
        do_rescale: true,
        rescale_factor: 1 / 255,
        do_normalize: true,
        image_mean: [0.5, 0.5, 0.5],
        image_std: [0.5, 0.5, 0.5],
      },
    };
  }
  const preprocessor = {
    image_processor_type: 'CLIPImageProcessor',
    do_convert_rgb: true,
    do_resize: true,
    size: { shortest_edge: vision.imageSize },
    resample: 3, // PIL bicubic
    do_center_crop: true,
    crop_size: { height: vision.imageSize, width: vision.imageSize },
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: [...CLIP_MEAN],
    image_std: [...CLIP_STD],
  };
  return { config, preprocessor };
}

/** Writes the transformers.js configs beside onnx/ (cheap, so also into model folders generated before they existed). */
export function writeTransformersJsConfigs(dir: string, shape: ClipShape): void {
  const { config, preprocessor } = transformersJsConfigs(shape);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  writeFileSync(join(dir, 'preprocessor_config.json'), JSON.stringify(preprocessor, null, 2));
}

export function generatePreset(preset: string, outRoot = 'models', force = false): string {
  const shape = PRESETS[preset];
  if (!shape) throw new Error(`Unknown preset "${preset}". Known: ${Object.keys(PRESETS).join(', ')}`);
  const dir = join(outRoot, preset);
  const manifest = {
    preset,
    generatorVersion: GENERATOR_VERSION,
    seed: SEED,
    shape,
    note: 'CLIP-shaped ONNX model with random weights, for Facet’s tests and benchmarks only. Its outputs mean nothing.',
  };
  const manifestPath = join(dir, 'facet-model.json');
  if (!force && existsSync(manifestPath) && readFileSync(manifestPath, 'utf8') === JSON.stringify(manifest, null, 2)) {
    writeTransformersJsConfigs(dir, shape);
    return `models/${preset}: up to date`;
  }
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const started = performance.now();
  for (const int8 of [false, true]) {
    const suffix = int8 ? '_quantized' : '';
    writeFileSync(join(dir, 'onnx', `vision_model${suffix}.onnx`), buildVisionModel(shape, SEED, int8));
    writeFileSync(join(dir, 'onnx', `text_model${suffix}.onnx`), buildTextModel(shape, SEED, int8));
  }
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(shape.family === 'siglip' ? siglipTokenizerJson() : clipTokenizerJson()));
  writeTransformersJsConfigs(dir, shape);
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  return `models/${preset}: written in ${((performance.now() - started) / 1000).toFixed(1)} s`;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('generate.ts')) {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const presets = args.filter((a) => !a.startsWith('--'));
  // The test set is one model per registry interface with ONNX files: CLIP's (tiny) and SigLIP's (siglip-tiny).
  const expanded = (presets.length ? presets : ['tiny']).flatMap((p) => (p === 'tiny' ? ['tiny', 'siglip-tiny'] : [p]));
  for (const preset of expanded) console.log(generatePreset(preset, 'models', force));
}
