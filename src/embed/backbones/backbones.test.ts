import { describe, expect, it } from 'vitest';
import { transformersJsConfigs } from '../../../scripts/testmodels/generate';
import { PRESETS } from '../../../scripts/testmodels/clip';
import { representationKey } from '../embeddingCache';
import { backboneOfRepKind, BACKBONES } from './index';
import { CLIP_PREPROCESSING } from './clip';
import { SIGLIP_BASE } from './siglip';
import { preprocessingFromConfig } from './types';

describe('backbone registry', () => {
  it('declares every backbone fully, with distinct ids', () => {
    expect(new Set(BACKBONES.map((b) => b.id)).size).toBe(BACKBONES.length);
    for (const b of BACKBONES) {
      expect(b.label && b.credit && b.licence && b.trainedFor).toBeTruthy();
      expect(b.dim).toBeGreaterThan(0);
      expect(b.hasText).toBe(Boolean(b.text));
      expect(Object.keys(b.files.vision).length).toBeGreaterThan(0);
    }
    expect(BACKBONES.filter((b) => b.reference).map((b) => b.family)).toEqual(['face-api', 'face-api']);
  });

  it('keeps the keys CLIP embeddings were stored under before the registry', () => {
    expect(representationKey({ kind: 'clip', model: 'Xenova/clip-vit-base-patch32', precision: 'quantized', dim: 512 })).toBe('clip|Xenova/clip-vit-base-patch32|quantized|512');
    expect(representationKey({ kind: 'raw-pixels', dim: 2304 })).toBe('raw-pixels|2304');
    expect(backboneOfRepKind('clip', 'Xenova/clip-vit-large-patch14')?.id).toBe('clip-vit-l-14');
    expect(backboneOfRepKind('clip', 'http://mirror.example/clip/')?.family).toBe('clip');
  });
});

describe('preprocessingFromConfig', () => {
  it('reads CLIP’s preprocessor_config.json as CLIP’s declared preprocessing', () => {
    const { preprocessor } = transformersJsConfigs(PRESETS.tiny);
    expect(preprocessingFromConfig(preprocessor as Record<string, unknown>, { ...SIGLIP_BASE.preprocessing })).toEqual(CLIP_PREPROCESSING);
  });

  it('reads SigLIP’s (square bilinear resize, no crop, mean and std 0.5)', () => {
    const siglip = { do_resize: true, size: { height: 224, width: 224 }, resample: 2, do_rescale: true, rescale_factor: 1 / 255, do_normalize: true, image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5] };
    expect(preprocessingFromConfig(siglip, CLIP_PREPROCESSING)).toEqual({ ...SIGLIP_BASE.preprocessing });
  });

  it('reads the generated SigLIP test model’s config as SigLIP’s declared preprocessing', () => {
    const { preprocessor } = transformersJsConfigs(PRESETS['siglip-tiny']);
    expect(preprocessingFromConfig(preprocessor as Record<string, unknown>, CLIP_PREPROCESSING)).toEqual({ ...SIGLIP_BASE.preprocessing });
  });

  it('refuses a resampling Facet does not implement', () => {
    expect(() => preprocessingFromConfig({ resample: 1 }, CLIP_PREPROCESSING)).toThrow(/resample 1 is not supported/);
  });
});
