import { describe, expect, it } from 'vitest';
import { backboneName, describeFeatures, describeModel, embeddingsName, runFeaturesName } from './featureNames';

describe('feature names from the backbone registry', () => {
  it('names a face-api network’s embeddings after the network, not CLIP', () => {
    const rep = { kind: 'face-api-expression', model: 'face-api-expression', precision: 'fp32', dim: 256 };
    expect(backboneName(rep)).toBe('face-api expression network');
    expect(describeFeatures({ kind: 'clip', rep })).toBe('face-api expression network face-api-expression fp32');
    expect(embeddingsName({ kind: 'face-api-recognition', model: 'face-api-recognition' })).toBe('face-api recognition network embeddings');
  });

  it('names a hub checkpoint by its entry and a mirror or disk model by its family', () => {
    expect(backboneName({ kind: 'clip', model: 'Xenova/clip-vit-large-patch14' })).toBe('CLIP ViT-L/14');
    expect(backboneName({ kind: 'clip', model: 'http://127.0.0.1:4173/models/tiny/' })).toBe('CLIP');
    expect(backboneName({ kind: 'siglip', model: 'http://127.0.0.1:4173/models/siglip-tiny/' })).toBe('SigLIP');
    expect(describeFeatures({ kind: 'raw-pixels' })).toMatch(/^raw pixels/);
  });

  it('describes a model by its name, its source unless that is a registry id, its precision and dimension', () => {
    expect(describeModel({ kind: 'face-api-expression', model: 'face-api-expression', precision: 'fp32', dim: 256 })).toBe('face-api expression network (fp32, 256-d)');
    expect(describeModel({ kind: 'siglip', model: 'http://127.0.0.1:4173/models/siglip-tiny/', precision: 'quantized', dim: 768 })).toBe(
      'SigLIP http://127.0.0.1:4173/models/siglip-tiny/ (quantized, 768-d)',
    );
  });

  it('names a run’s features as an adjective, runs saved before they carried a representation as CLIP', () => {
    expect(runFeaturesName({ featureKind: 'clip', rep: { kind: 'face-api-expression', model: 'face-api-expression', precision: 'fp32', dim: 256 } })).toBe('face-api expression network');
    expect(runFeaturesName({ featureKind: 'clip' })).toBe('CLIP');
    expect(runFeaturesName({ featureKind: 'raw-pixels' })).toBe('raw-pixel');
  });
});
