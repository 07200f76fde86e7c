import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../lib/npy';
import { readEmbeddingFile, writeEmbeddingFile } from './embeddingFile';

const rep = { kind: 'clip' as const, model: 'Xenova/clip-vit-base-patch32', precision: 'fp32', dim: 2 };

describe('embeddings file', () => {
  it('round-trips vectors with their ids and model identity', () => {
    const bytes = writeEmbeddingFile({ representation: rep, imageIds: ['a', 'b'], labels: [3, 4], splits: ['train', 'test'] }, new Float32Array([1, 0, 0, 1]));
    const { meta, vectors } = readEmbeddingFile(bytes);
    expect(meta).toMatchObject({ format: 'facet-embeddings/1', representation: rep, imageIds: ['a', 'b'], labels: [3, 4] });
    expect(Array.from(vectors)).toEqual([1, 0, 0, 1]);
  });

  it('refuses files that do not fit together, naming the problem', () => {
    expect(() => readEmbeddingFile(strToU8('plain text'))).toThrow(/not a zip/);
    expect(() => readEmbeddingFile(zipSync({ 'x.txt': strToU8('x') }))).toThrow(/needs embeddings\.npy and embeddings\.json/);
    const json = (meta: object) => strToU8(JSON.stringify({ format: 'facet-embeddings/1', representation: rep, ...meta }));
    const npy = writeNpy(new Float32Array([1, 0, 0, 1]), 2, 2);
    expect(() => readEmbeddingFile(zipSync({ 'embeddings.npy': npy, 'embeddings.json': json({ imageIds: ['a'] }) }))).toThrow(/2 rows for 1 image ids/);
    expect(() =>
      readEmbeddingFile(zipSync({ 'embeddings.npy': npy, 'embeddings.json': json({ imageIds: ['a', 'b'], representation: { ...rep, dim: 3 } }) })),
    ).toThrow(/2 columns but the representation says 3/);
    expect(() => readEmbeddingFile(zipSync({ 'embeddings.npy': npy, 'embeddings.json': strToU8('{"format":"other"}') }))).toThrow(/format “other”/);
  });
});
