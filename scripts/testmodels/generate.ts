/**
 * `npm run models -- [preset ...] [--force]`: writes CLIP-shaped ONNX models with random weights into
 * models/<preset>/ in the Hugging Face Hub repo's layout (onnx/vision_model.onnx, onnx/text_model.onnx, their
 * _quantized int8 variants, tokenizer.json) plus facet-model.json. Presets: tiny (tests), vit-b-32 (benchmarks).
 * Skips a preset whose files exist for the same generator version and settings.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clipTokenizerJson } from '../tokenizer/clipTokenizerJson';
import { buildTextModel, buildVisionModel, PRESETS } from './clip';

const GENERATOR_VERSION = 1;
const SEED = 20240601;

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
    return `models/${preset}: up to date`;
  }
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const started = performance.now();
  for (const int8 of [false, true]) {
    const suffix = int8 ? '_quantized' : '';
    writeFileSync(join(dir, 'onnx', `vision_model${suffix}.onnx`), buildVisionModel(shape, SEED, int8));
    writeFileSync(join(dir, 'onnx', `text_model${suffix}.onnx`), buildTextModel(shape, SEED, int8));
  }
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(clipTokenizerJson()));
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  return `models/${preset}: written in ${((performance.now() - started) / 1000).toFixed(1)} s`;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('generate.ts')) {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const presets = args.filter((a) => !a.startsWith('--'));
  for (const preset of presets.length ? presets : ['tiny']) console.log(generatePreset(preset, 'models', force));
}
