import { describe, expect, it } from 'vitest';
import { describeRepresentationKey } from './storageInventory';
import { representationKey } from '../embed/embeddingCache';

describe('describeRepresentationKey', () => {
  it('names the model, precision and size of a CLIP representation, whatever its model id contains', () => {
    expect(describeRepresentationKey(representationKey({ kind: 'clip', model: 'Xenova/clip-vit-base-patch32', precision: 'quantized', dim: 512 }))).toBe(
      'CLIP Xenova/clip-vit-base-patch32 (quantized, 512-d)',
    );
    expect(describeRepresentationKey(representationKey({ kind: 'clip', model: 'https://m.example/a|b/', precision: 'fp16', dim: 768 }))).toBe(
      'CLIP https://m.example/a|b/ (fp16, 768-d)',
    );
    expect(describeRepresentationKey(representationKey({ kind: 'raw-pixels', dim: 2304 }))).toBe('Raw pixels (2304 values)');
  });
});
