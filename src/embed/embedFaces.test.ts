import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { createStore } from 'idb-keyval';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { cosine } from '../lib/vectors';
import { CLIP_PREPROCESSING } from './backbones/clip';
import { embedFaces, type Encode } from './embedFaces';
import { SessionPool, type EncoderSession } from './encoderPool';
import { loadEmbeddings, missingIds, type Representation } from './embeddingCache';

// The tiny CLIP-shaped model (npm run models -- tiny) stands in for CLIP, through onnxruntime-node.
let encode: Encode;
let calls: number[];
beforeAll(async () => {
  const session = await ort.InferenceSession.create(readFileSync('models/tiny/onnx/vision_model.onnx'));
  encode = async (pixelValues, count) => {
    calls.push(count);
    const out = await session.run({ pixel_values: new ort.Tensor('float32', pixelValues, [count, 3, 224, 224]) });
    return out.image_embeds.data as Float32Array;
  };
});

const rep: Representation = { kind: 'clip', model: 'test/tiny', precision: 'fp32', dim: 512 };
let n = 0;
const fresh = () => createStore(`embed-faces-${n++}`, 'vectors');

function faces(count: number) {
  const pixels = new Uint8Array(count * 48 * 48);
  for (let f = 0; f < count; f++) for (let i = 0; i < 2304; i++) pixels[f * 2304 + i] = (i * (f + 3) + f * 17) % 256;
  return { ids: Array.from({ length: count }, (_, i) => `face-${i}`), pixels, side: 48 };
}

describe('embedFaces', () => {
  it('embeds in batches, stores normalized vectors and distinguishes faces', async () => {
    calls = [];
    const db = fresh();
    const progress: number[] = [];
    const done = await embedFaces(rep, faces(5), encode, { batchSize: 2, preprocessing: CLIP_PREPROCESSING, signal: new AbortController().signal, onBatch: (k) => progress.push(k), db });
    expect(done).toBe(5);
    expect(calls).toEqual([2, 2, 1]);
    expect(progress).toEqual([2, 2, 1]);
    const vectors = await loadEmbeddings(rep, ['face-0', 'face-1'], db);
    expect(Math.hypot(...vectors.slice(0, 512))).toBeCloseTo(1, 5);
    expect(cosine(vectors.slice(0, 512), vectors.slice(512))).toBeLessThan(0.999);
  });

  it('resumes after a cancel without recomputing what was stored', async () => {
    calls = [];
    const db = fresh();
    const controller = new AbortController();
    const first = embedFaces(rep, faces(6), encode, {
      batchSize: 2,
      preprocessing: CLIP_PREPROCESSING,
      signal: controller.signal,
      onBatch: () => controller.abort(),
      db,
    });
    await expect(first).rejects.toThrow(/Cancelled/);
    expect(await missingIds(rep, faces(6).ids, db)).toEqual(['face-2', 'face-3', 'face-4', 'face-5']);
    calls = [];
    expect(await embedFaces(rep, faces(6), encode, { batchSize: 2, preprocessing: CLIP_PREPROCESSING, signal: new AbortController().signal, db })).toBe(4);
    expect(calls).toEqual([2, 2]);
  });

  it('embeds a repeated id once', async () => {
    calls = [];
    const db = fresh();
    const set = faces(3);
    set.ids[2] = set.ids[0];
    expect(await embedFaces(rep, set, encode, { batchSize: 8, preprocessing: CLIP_PREPROCESSING, signal: new AbortController().signal, db })).toBe(2);
    expect(calls).toEqual([2]);
  });

  it('keeps two batches encoding at once and stores the same vectors, in order, as one at a time', async () => {
    const oneAtATime = fresh();
    await embedFaces(rep, faces(7), encode, { batchSize: 2, preprocessing: CLIP_PREPROCESSING, signal: new AbortController().signal, db: oneAtATime });
    const db = fresh();
    let running = 0;
    let peak = 0;
    let started = 0;
    const stored: string[][] = [];
    // A batch that starts alone waits until a second one is encoding beside it (or none is left to come): overlap
    // on a condition, not on a clock.
    const waiting: Array<() => void> = [];
    const overlapping: Encode = async (pixelValues, count) => {
      running++;
      started++;
      peak = Math.max(peak, running);
      if (running < 2 && started < 4) await new Promise<void>((resolve) => waiting.push(resolve));
      else waiting.splice(0).forEach((resolve) => resolve());
      const out = await encode(pixelValues, count);
      running--;
      return out;
    };
    const done = await embedFaces(rep, faces(7), overlapping, {
      batchSize: 2,
      preprocessing: CLIP_PREPROCESSING,
      concurrency: 2,
      signal: new AbortController().signal,
      onStored: (ids) => void stored.push(ids),
      db,
    });
    expect(done).toBe(7);
    expect(peak).toBe(2);
    expect(stored).toEqual([['face-0', 'face-1'], ['face-2', 'face-3'], ['face-4', 'face-5'], ['face-6']]);
    expect(await loadEmbeddings(rep, faces(7).ids, db)).toEqual(await loadEmbeddings(rep, faces(7).ids, oneAtATime));
  });

  it('stores the batches before a failed one and waits for the batches still encoding', async () => {
    const db = fresh();
    let call = 0;
    let settled = 0;
    // The other batches are held until the failure has had a full turn of the event loop to reach the caller: a
    // run that did not wait for them would have rejected by then.
    let releaseOthers!: () => void;
    const othersHeld = new Promise<void>((resolve) => (releaseOthers = resolve));
    const failing: Encode = async (pixelValues, count) => {
      const mine = call++;
      if (mine === 1) {
        setImmediate(releaseOthers);
        throw new Error('session lost');
      }
      await othersHeld;
      settled++;
      return encode(pixelValues, count);
    };
    await expect(embedFaces(rep, faces(6), failing, { batchSize: 2, preprocessing: CLIP_PREPROCESSING, concurrency: 2, signal: new AbortController().signal, db })).rejects.toThrow(
      'session lost',
    );
    expect(await missingIds(rep, faces(6).ids, db)).toEqual(['face-2', 'face-3', 'face-4', 'face-5']);
    expect(settled).toBe(call - 1); // every batch started has finished before the error reached the caller
  });

  it('goes on with the other sessions when an encoder copy crashes mid-run, and stores every face', async () => {
    calls = [];
    const db = fresh();
    let crashed: Error | undefined;
    let copyBatches = 0;
    // A copy as the embed worker makes it: a session whose worker dies on the first batch it is given, while the
    // other session is busy with another (`lost` is then set, as an rpc client's `crashed`).
    const copy: EncoderSession = {
      async run(pixelValues, count) {
        if (++copyBatches === 1) throw (crashed = new Error('Worker crashed: out of memory'));
        return encode(pixelValues, count);
      },
      get lost() {
        return crashed;
      },
    };
    const pool = new SessionPool([{ run: (pixelValues, count) => encode(pixelValues, count) }, copy]);
    const done = await embedFaces(rep, faces(9), (pixelValues, count) => pool.run(pixelValues, count), {
      batchSize: 2,
      preprocessing: CLIP_PREPROCESSING,
      concurrency: pool.size,
      signal: new AbortController().signal,
      db,
    });
    expect(done).toBe(9);
    expect(pool.lost).toBe(1);
    expect(await missingIds(rep, faces(9).ids, db)).toEqual([]);
    const reference = fresh();
    await embedFaces(rep, faces(9), encode, { batchSize: 2, preprocessing: CLIP_PREPROCESSING, signal: new AbortController().signal, db: reference });
    expect(await loadEmbeddings(rep, faces(9).ids, db)).toEqual(await loadEmbeddings(rep, faces(9).ids, reference));
  });

  it('refuses pixels that do not match the ids', async () => {
    const set = faces(2);
    await expect(embedFaces(rep, { ...set, ids: ['a'] }, encode, { batchSize: 2, preprocessing: CLIP_PREPROCESSING, signal: new AbortController().signal, db: fresh() })).rejects.toThrow(
      /4608 pixels are not 1 faces of 48×48/,
    );
  });
});
