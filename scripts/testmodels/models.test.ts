import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { cosine } from '../../src/lib/vectors';
import { buildVisionModel, PRESETS } from './clip';
import { generatePreset } from './generate';
import { readModelInterface } from './onnx';

let dir: string;
const file = (name: string) => readFileSync(join(dir, 'tiny', 'onnx', `${name}.onnx`));
const sessions = new Map<string, ort.InferenceSession>();
const session = async (name: string) => {
  if (!sessions.has(name)) sessions.set(name, await ort.InferenceSession.create(file(name)));
  return sessions.get(name)!;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'facet-models-'));
  generatePreset('tiny', dir, true);
});

/** A smooth synthetic image per seed, in CLIP's normalized range. */
function image(seed: number): Float32Array {
  const x = new Float32Array(3 * 224 * 224);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.0007 * seed + seed) * 1.5;
  return x;
}

async function embedImages(name: string, images: Float32Array[]): Promise<Float32Array[]> {
  const batch = new Float32Array(images.length * 3 * 224 * 224);
  images.forEach((img, i) => batch.set(img, i * img.length));
  const out = (await (await session(name)).run({ pixel_values: new ort.Tensor('float32', batch, [images.length, 3, 224, 224]) })).image_embeds;
  expect(out.dims).toEqual([images.length, 512]);
  const data = out.data as Float32Array;
  expect(data.every(Number.isFinite)).toBe(true);
  return images.map((_, i) => data.slice(i * 512, (i + 1) * 512));
}

async function embedTexts(name: string, rows: number[][]): Promise<Float32Array[]> {
  const length = rows[0].length;
  const ids = BigInt64Array.from(rows.flat().map(BigInt));
  const out = (await (await session(name)).run({ input_ids: new ort.Tensor('int64', ids, [rows.length, length]) })).text_embeds;
  expect(out.dims).toEqual([rows.length, 512]);
  const data = out.data as Float32Array;
  return rows.map((_, i) => data.slice(i * 512, (i + 1) * 512));
}

const padded = (ids: number[]) => [...ids, ...new Array(77 - ids.length).fill(49407)];

describe('CLIP-shaped test models', () => {
  it('declare exactly the interface of the hub exports', () => {
    for (const suffix of ['', '_quantized']) {
      expect(readModelInterface(file(`vision_model${suffix}`))).toMatchObject({
        inputs: [{ name: 'pixel_values', elemType: 'float32', dims: ['batch_size', 3, 224, 224] }],
        outputs: [{ name: 'image_embeds', elemType: 'float32', dims: ['batch_size', 512] }],
      });
      expect(readModelInterface(file(`text_model${suffix}`))).toMatchObject({
        inputs: [{ name: 'input_ids', elemType: 'int64', dims: ['batch_size', 'sequence_length'] }],
        outputs: [{ name: 'text_embeds', elemType: 'float32', dims: ['batch_size', 512] }],
      });
    }
  });

  it('stay small enough to generate in every test run', () => {
    for (const name of ['vision_model', 'vision_model_quantized', 'text_model', 'text_model_quantized']) {
      expect(file(name).byteLength).toBeLessThan(600_000);
    }
  });

  it('embed images by their content, identically for the same image, in any batch', async () => {
    const [a, b] = await embedImages('vision_model', [image(1), image(2)]);
    const [aAlone] = await embedImages('vision_model', [image(1)]);
    expect(cosine(a, b)).toBeLessThan(0.95);
    expect(cosine(a, aAlone)).toBeGreaterThan(0.99999);
  });

  it('pool text at the first end-of-text token', async () => {
    const base = [49406, 320, 900, 2751, 1710, 49407];
    const [original, changedAfter, changedBefore] = await embedTexts('text_model', [
      padded(base),
      padded([...base, 320, 4621]), // tokens after the end token
      padded([49406, 320, 4621, 2751, 1710, 49407]),
    ]);
    expect(cosine(original, changedAfter)).toBeGreaterThan(0.99999);
    // A width-8 text model mixes little of each word into the end token, but measurably.
    expect(cosine(original, changedBefore)).toBeLessThan(0.9995);
    // Any sequence length works, as with the real model.
    const [short] = await embedTexts('text_model', [base]);
    expect(cosine(short, original)).toBeGreaterThan(0.99999);
  });

  it('have int8 variants close to, but not the same as, fp32', async () => {
    const [fp32] = await embedImages('vision_model', [image(3)]);
    const [int8] = await embedImages('vision_model_quantized', [image(3)]);
    expect(cosine(fp32, int8)).toBeGreaterThan(0.98);
    expect(cosine(fp32, int8)).toBeLessThan(0.999999);
    const [t32] = await embedTexts('text_model', [padded([49406, 320, 900, 49407])]);
    const [t8] = await embedTexts('text_model_quantized', [padded([49406, 320, 900, 49407])]);
    expect(cosine(t32, t8)).toBeGreaterThan(0.98);
  });

  it('are deterministic from their seed', () => {
    expect(Buffer.from(buildVisionModel(PRESETS.tiny, 5, false)).equals(Buffer.from(buildVisionModel(PRESETS.tiny, 5, false)))).toBe(true);
    expect(Buffer.from(buildVisionModel(PRESETS.tiny, 5, false)).equals(Buffer.from(buildVisionModel(PRESETS.tiny, 6, false)))).toBe(false);
  });
});

describe('transformers.js configs', () => {
  it('describe the generated shape as CLIP ViT-B/32 does, so transformers.js can load the folder', () => {
    const config = JSON.parse(readFileSync(join(dir, 'tiny', 'config.json'), 'utf8'));
    const preprocessor = JSON.parse(readFileSync(join(dir, 'tiny', 'preprocessor_config.json'), 'utf8'));
    const shape = PRESETS.tiny;
    expect(config.model_type).toBe('clip');
    expect(config.vision_config).toMatchObject({ model_type: 'clip_vision_model', hidden_size: shape.vision.width, patch_size: shape.vision.patch, image_size: 224 });
    expect(config.projection_dim).toBe(shape.embedDim);
    expect(preprocessor).toMatchObject({ image_processor_type: 'CLIPImageProcessor', size: { shortest_edge: 224 }, resample: 3, crop_size: { height: 224, width: 224 } });
    expect(preprocessor.image_mean[0]).toBeCloseTo(0.48145466, 8);
  });
});
