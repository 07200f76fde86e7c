import { describe, expect, it } from 'vitest';
import { foreignPointProblem, mappedEmbeddings, promptViewsUnavailable, viewToMap, viewUnavailable } from './mappedEmbeddings';
import { VIEWS } from './views';

const FACE_API = { kind: 'face-api-expression', model: 'face-api-expression', precision: 'fp32', dim: 256 };
const RECOGNITION = { kind: 'face-api-recognition', model: 'face-api-recognition', precision: 'fp32', dim: 128 };
const SIGLIP = { kind: 'siglip', model: 'http://127.0.0.1:4173/models/siglip-tiny/', precision: 'quantized', dim: 768 };
const CLIP = { kind: 'clip', model: 'Xenova/clip-vit-base-patch32', precision: 'quantized', dim: 512 };

describe('what a map can show and is made of, from the backbone registry', () => {
  it('a backbone without a text tower gives the image views only, and the reason names it', () => {
    const available = (rep: typeof CLIP) => VIEWS.filter((v) => !viewUnavailable(v.kind, rep)).map((v) => v.kind);
    expect(available(FACE_API)).toEqual(['images', 'centroids']);
    expect(available(RECOGNITION)).toEqual(['images', 'centroids']);
    expect(viewUnavailable('overlay', FACE_API)).toBe(
      'The face-api expression network has no text tower: the prompt views (figs. 7 and 8) and the prompt probe need one, so only its image embeddings are mapped.',
    );
    expect(promptViewsUnavailable(RECOGNITION)).toMatch(/^The face-api recognition network has no text tower/);
  });

  it('CLIP and SigLIP give every view; nothing embedded yet is not refused here', () => {
    for (const rep of [CLIP, SIGLIP]) expect(VIEWS.map((v) => viewUnavailable(v.kind, rep))).toEqual([undefined, undefined, undefined, undefined]);
    expect(promptViewsUnavailable(undefined)).toBeUndefined();
    expect(promptViewsUnavailable({ kind: 'raw-pixels' })).toBeUndefined();
  });

  it('a prompt view chosen with CLIP maps the images once a face-api network made the embeddings, and comes back with CLIP', () => {
    expect(viewToMap('prompts', FACE_API)).toBe('images');
    expect(viewToMap('overlay', RECOGNITION)).toBe('images');
    expect(viewToMap('centroids', FACE_API)).toBe('centroids');
    expect(viewToMap('prompts', CLIP)).toBe('prompts');
    expect(viewToMap('overlay', SIGLIP)).toBe('overlay');
  });

  it('names the backbone, the dimension and, for the prompt views, the template', () => {
    expect(mappedEmbeddings('images', FACE_API, ['A {} human face'])).toBe('face-api expression network image embeddings (256-d)');
    expect(mappedEmbeddings('centroids', CLIP, ['A {} human face'])).toBe('CLIP ViT-B/32 image embeddings (512-d)');
    expect(mappedEmbeddings('prompts', SIGLIP, ['This is a photo of {}.'])).toBe('SigLIP text embeddings (768-d) of the prompts “This is a photo of {}.”');
    expect(mappedEmbeddings('overlay', SIGLIP, ['a', 'b', 'c'])).toBe('SigLIP image and text embeddings (768-d), 3 prompt templates');
  });

  it('refuses to place a point embedded by another model than the map’s, naming both', () => {
    const map = { rep: FACE_API, mapped: mappedEmbeddings('images', FACE_API, []) };
    expect(foreignPointProblem([{ label: 'face 1', rep: FACE_API }, { label: 'face 2' }], map)).toBeUndefined();
    expect(foreignPointProblem([{ label: 'face 1', rep: FACE_API }, { label: 'face 2', rep: CLIP }], map)).toBe(
      '“face 2” was embedded by CLIP ViT-B/32 Xenova/clip-vit-base-patch32 (quantized, 512-d), but the map shows face-api expression network image embeddings (256-d): map the images again with the model loaded now.',
    );
    // the same model at another precision is another model: other vectors
    expect(foreignPointProblem([{ label: 'p', rep: { ...CLIP, precision: 'fp32' } }], { rep: CLIP, mapped: 'x' })).toMatch(/^“p” was embedded by CLIP/);
  });
});
