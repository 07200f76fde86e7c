import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { deleteRepresentation, listStoredRepresentations, loadEmbeddings, missingIds, putEmbeddings, representationKey, type Representation } from './embeddingCache';

const clip: Representation = { kind: 'clip', model: 'Xenova/clip-vit-base-patch32', precision: 'quantized', dim: 2 };
const fp32: Representation = { ...clip, precision: 'fp32' };
let n = 0;
const freshStore = () => createStore(`test-embeddings-${n++}`, 'vectors');

describe('embedding cache', () => {
  it('stores normalized vectors and loads them back in the asked order', async () => {
    const db = freshStore();
    await putEmbeddings(clip, ['a', 'b'], new Float32Array([3, 4, 0, 2]), db);
    const loaded = await loadEmbeddings(clip, ['b', 'a', 'b'], db);
    expect(Array.from(loaded)).toEqual([0, 1, 0.6, 0.8, 0, 1].map(Math.fround));
  });

  it('resumes: only ids without a vector are missing, each once', async () => {
    const db = freshStore();
    await putEmbeddings(clip, ['a'], new Float32Array([1, 0]), db);
    expect(await missingIds(clip, ['a', 'b', 'c', 'b'], db)).toEqual(['b', 'c']);
    // Another precision is another representation: nothing is shared by mistake.
    expect(await missingIds(fp32, ['a'], db)).toEqual(['a']);
  });

  it('says how many vectors are missing instead of returning zeros', async () => {
    const db = freshStore();
    await putEmbeddings(clip, ['a'], new Float32Array([1, 0]), db);
    await expect(loadEmbeddings(clip, ['a', 'x', 'y'], db)).rejects.toThrow('2 of 3 images have no clip embedding yet');
  });

  it('refuses a batch whose size does not match and writes nothing of it', async () => {
    const db = freshStore();
    await expect(putEmbeddings(clip, ['a', 'b'], new Float32Array(3), db)).rejects.toThrow(/not 2 × 2/);
    expect(await missingIds(clip, ['a', 'b'], db)).toEqual(['a', 'b']);
  });

  it('deletes one representation and keeps the others', async () => {
    const db = freshStore();
    await putEmbeddings(clip, ['a', 'b'], new Float32Array([1, 0, 0, 1]), db);
    await putEmbeddings(fp32, ['a'], new Float32Array([1, 0]), db);
    expect(await listStoredRepresentations(db)).toEqual([
      { key: representationKey(fp32), count: 1, dim: 2 },
      { key: representationKey(clip), count: 2, dim: 2 },
    ]);
    expect(await deleteRepresentation(clip, db)).toBe(2);
    expect(await listStoredRepresentations(db)).toEqual([{ key: representationKey(fp32), count: 1, dim: 2 }]);
    expect(await missingIds(clip, ['a'], db)).toEqual(['a']);
    expect(await missingIds(fp32, ['a'], db)).toEqual([]);
    expect(representationKey({ kind: 'raw-pixels', dim: 2304 })).toBe('raw-pixels|2304');
  });
});
