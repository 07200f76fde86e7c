/**
 * Seeded fault injection: a full disk (QuotaExceededError) or an interrupted transaction at a random IndexedDB
 * write of an import, an embedding run and a saved run, and a worker killed at a random point of a job. After each
 * fault: what was stored before is intact, the error says what happened and what to do, a retry completes, and
 * nothing is orphaned (what the storage inventory lists adds up to what the stores hold).
 *
 * Every case is drawn from its seed (FAULT_SEEDS=n runs n seeds per scenario; a failure names its seed).
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import { createStore, keys, type UseStore } from 'idb-keyval';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImageInNode } from '../cli/nodeDecode';
import { ingestFile } from '../dataset/ingest';
import { getColumns, listManifests, removeOrphans } from '../dataset/storage';
import { CLIP_PREPROCESSING } from '../embed/backbones/clip';
import { embedFaces, type Encode } from '../embed/embedFaces';
import { listStoredRepresentations, loadEmbeddings, missingIds, representationKey, type Representation } from '../embed/embeddingCache';
import { SessionPool, type EncoderSession } from '../embed/encoderPool';
import { faultyStore, type WriteFault } from '../lib/faultyStore';
import { seededRandom } from '../lib/random';
import { connect, exposeApi, type JobContext } from '../lib/rpc';
import { getRunModel, listRuns, runWeightBytes, saveRun, type RunRecord } from '../train/runs';

const SEEDS = Array.from({ length: Number(process.env.FAULT_SEEDS ?? 8) }, (_, i) => i + 1);
const MINI = new URL('../../../shared/data/fer2013-mini.zip', import.meta.url).pathname;
let n = 0;
const freshStore = (name: string) => createStore(`faults-${name}-${n++}`, name === 'datasets' ? 'records' : name);

/** A write index drawn from the seed among the `writes` a clean run makes, and the kind of fault. */
function drawFault(seed: number, writes: number, kinds: readonly WriteFault[] = ['quota', 'abort']): { atWrite: number; kind: WriteFault } {
  const random = seededRandom(seed * 7919);
  return { atWrite: Math.floor(random() * writes), kind: kinds[Math.floor(random() * kinds.length)] };
}

// ---- import ----------------------------------------------------------------------------------------------------

let archive: File;
beforeAll(() => {
  // Ten faces of the mini zip in Kaggle's layout: five pixel chunks of two, the columns and the manifest.
  const jpegs = Object.entries(unzipSync(readFileSync(MINI))).filter(([name]) => name.endsWith('.jpg'));
  const picked = Array.from({ length: 10 }, (_, i) => jpegs[i * 37]);
  archive = new File([zipSync(Object.fromEntries(picked)) as BlobPart], 'faces.zip');
});

/** Every record of the dataset store belongs to a listed dataset, whose faces are all there. */
async function checkDatasetInventory(db: UseStore): Promise<number> {
  const manifests = await listManifests(db);
  const ids = new Set(manifests.map((m) => m.id));
  const orphans = (await keys<string>(db)).filter((k) => !ids.has(k.split(':')[1]));
  expect(orphans).toEqual([]);
  for (const m of manifests) expect((await getColumns(m.id, db))?.imageIds.length).toBe(m.count);
  return manifests.reduce((sum, m) => sum + m.count, 0);
}

describe('a fault at a random write of an import', () => {
  it.each(SEEDS)('seed %i: leaves nothing of the import, says what happened, and the retry stores it whole', async (seed) => {
    const options = (db: UseStore) => ({ decode: decodeImageInNode, signal: new AbortController().signal, db, chunkSize: 2 });
    const counting = faultyStore(freshStore('datasets'));
    await ingestFile(archive, options(counting.store));
    const base = freshStore('datasets');
    const fault = drawFault(seed, counting.writes - 0);
    const faulty = faultyStore(base, fault);
    const error = (await ingestFile(archive, options(faulty.store)).catch((e: unknown) => e)) as Error;
    expect(faulty.fired, `seed ${seed}`).toBe(true);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain('“faces.zip”');
    expect(error.message).toMatch(
      fault.kind === 'quota' ? /storage is full, so the dataset could not be saved .*Free space in Manage storage/ : /The browser stopped the write, so the dataset could not be saved .*Try again/,
    );
    // A reload cuts an import off without its own clean-up: the start-up's removes what it left.
    await removeOrphans(base);
    expect(await keys(base), `seed ${seed}`).toEqual([]);

    const { manifest } = await ingestFile(archive, options(base));
    expect(manifest.count).toBe(10);
    expect(await checkDatasetInventory(base)).toBe(10);
  });
});

// ---- embedding -------------------------------------------------------------------------------------------------

let encode: Encode;
beforeAll(async () => {
  const session = await ort.InferenceSession.create(readFileSync('models/tiny/onnx/vision_model.onnx'));
  encode = async (pixelValues, count) => {
    const out = await session.run({ pixel_values: new ort.Tensor('float32', pixelValues, [count, 3, 224, 224]) });
    return out.image_embeds.data as Float32Array;
  };
});

const rep: Representation = { kind: 'clip', model: 'test/tiny', precision: 'fp32', dim: 512 };
function faces(count: number) {
  const pixels = new Uint8Array(count * 48 * 48);
  for (let f = 0; f < count; f++) for (let i = 0; i < 2304; i++) pixels[f * 2304 + i] = (i * (f + 3) + f * 17) % 256;
  return { ids: Array.from({ length: count }, (_, i) => `face-${i}`), pixels, side: 48 };
}
const FACES = 9;
const BATCH = 2;
const embedOptions = (db: UseStore, concurrency = 1) => ({ batchSize: BATCH, preprocessing: CLIP_PREPROCESSING, concurrency, signal: new AbortController().signal, db });

/** Each batch is stored whole or not at all, and the inventory counts exactly what is stored. */
async function checkEmbeddingInventory(db: UseStore, seed: number): Promise<number> {
  const missing = new Set(await missingIds(rep, faces(FACES).ids, db));
  for (let b = 0; b < FACES; b += BATCH) {
    const batch = faces(FACES).ids.slice(b, b + BATCH);
    const stored = batch.filter((id) => !missing.has(id)).length;
    expect([0, batch.length], `seed ${seed}: batch ${b / BATCH} holds ${stored} of ${batch.length}`).toContain(stored);
  }
  const listed = await listStoredRepresentations(db);
  const count = FACES - missing.size;
  expect(listed).toEqual(count ? [{ key: representationKey(rep), count, dim: rep.dim }] : []);
  return count;
}

describe('a fault at a random write of an embedding run', () => {
  let reference: Float32Array;
  beforeAll(async () => {
    const db = freshStore('vectors');
    await embedFaces(rep, faces(FACES), encode, embedOptions(db));
    reference = await loadEmbeddings(rep, faces(FACES).ids, db);
  });

  it.each(SEEDS)('seed %i: keeps whole batches, says the disk is full, and the retry finishes with the same vectors', async (seed) => {
    const base = freshStore('vectors');
    const fault = drawFault(seed, FACES, ['quota']);
    const faulty = faultyStore(base, fault);
    const error = (await embedFaces(rep, faces(FACES), encode, embedOptions(faulty.store, 2)).catch((e: unknown) => e)) as Error;
    expect(faulty.fired).toBe(true);
    expect(error.message).toMatch(/^The browser’s storage is full, so the latest embeddings could not be saved \(what was saved before is kept\)\. Free space/);
    const kept = await checkEmbeddingInventory(base, seed);
    expect(kept).toBeLessThan(FACES);

    expect(await embedFaces(rep, faces(FACES), encode, embedOptions(base, 2))).toBe(FACES - kept); // only what was missing
    expect(await checkEmbeddingInventory(base, seed)).toBe(FACES);
    expect(await loadEmbeddings(rep, faces(FACES).ids, base)).toEqual(reference);
  });

  it.each(SEEDS)('seed %i: an encoder copy killed at a random batch costs nothing: the run finishes with the same vectors', async (seed) => {
    const base = freshStore('vectors');
    const killAt = Math.floor(seededRandom(seed * 104_729)() * Math.ceil(FACES / BATCH));
    let batches = 0;
    let lost: Error | undefined;
    const copy: EncoderSession = {
      async run(pixelValues, count) {
        if (batches++ >= killAt) throw (lost = new Error('Worker crashed: killed by the test'));
        return encode(pixelValues, count);
      },
      get lost() {
        return lost;
      },
    };
    const pool = new SessionPool([{ run: encode }, copy]);
    expect(await embedFaces(rep, faces(FACES), (p, c) => pool.run(p, c), embedOptions(base, pool.size))).toBe(FACES);
    expect(await checkEmbeddingInventory(base, seed)).toBe(FACES);
    expect(await loadEmbeddings(rep, faces(FACES).ids, base)).toEqual(reference);
  });

  it.each(SEEDS)('seed %i: a worker killed at a random point of a job fails the call with what happened; a new worker goes on', async (seed) => {
    const base = freshStore('vectors');
    const stopAfter = Math.floor(seededRandom(seed * 15_485_863)() * Math.ceil(FACES / BATCH));
    /** An embed "worker" on a MessageChannel whose kill stops its work where it is and fires the Worker's error. */
    const startWorker = (killAtBatch?: number) => {
      const channel = new MessageChannel();
      let killed = false;
      const events = new EventTarget();
      const api = {
        async embed(_input: undefined, ctx: JobContext<number>) {
          let done = 0;
          return embedFaces(
            rep,
            faces(FACES),
            async (pixelValues, count) => {
              if (killed) return new Promise<Float32Array>(() => {}); // a terminated worker does nothing more
              if (killAtBatch !== undefined && done === killAtBatch) {
                killed = true;
                events.dispatchEvent(Object.assign(new Event('error'), { message: 'killed by the test' }));
                return new Promise<Float32Array>(() => {});
              }
              return encode(pixelValues, count);
            },
            { ...embedOptions(base), onBatch: () => ctx.progress(++done) },
          );
        },
      };
      exposeApi(api, channel.port1);
      const endpoint = Object.assign(channel.port2, {
        addEventListener: (type: string, listener: EventListener) =>
          type === 'error' ? events.addEventListener(type, listener) : MessagePort.prototype.addEventListener.call(channel.port2, type, listener),
        terminate: () => {
          killed = true;
          channel.port1.close();
          channel.port2.close();
        },
      });
      return connect<typeof api>(endpoint as unknown as MessagePort);
    };
    const first = startWorker(stopAfter);
    await expect(first.embed(undefined), `seed ${seed}`).rejects.toThrow(/^Worker crashed: killed by the test\. What it had finished is kept; try again/);
    expect(first.crashed).toBeDefined();
    const kept = await checkEmbeddingInventory(base, seed);
    expect(kept).toBe(Math.min(FACES, stopAfter * BATCH));
    const second = startWorker();
    expect(await second.embed(undefined)).toBe(FACES - kept);
    second.terminate();
    expect(await loadEmbeddings(rep, faces(FACES).ids, base)).toEqual(reference);
  });
});

// ---- saving a run ----------------------------------------------------------------------------------------------

describe('a fault at a random write of saving a run', () => {
  const record = (id: string) => ({ id, createdAt: '2026-11-30T12:00:00Z', datasetId: 'd', datasetName: 'faces.zip', featureKind: 'clip' }) as unknown as RunRecord;
  const model = () => ({ modelTopology: { layers: 2 }, weightSpecs: [{ name: 'w', shape: [4], dtype: 'float32' }], weightData: new Float32Array([1, 2, 3, 4]).buffer });

  it.each(SEEDS)('seed %i: stores the run whole or not at all, keeps the runs saved before, and the retry saves it', async (seed) => {
    const base = freshStore('runs');
    await saveRun(record('before'), model(), base);
    const fault = drawFault(seed, 2);
    const faulty = faultyStore(base, fault);
    const error = (await saveRun(record('new'), model(), faulty.store).catch((e: unknown) => e)) as Error;
    expect(faulty.fired).toBe(true);
    expect(error.message).toMatch(fault.kind === 'quota' ? /storage is full, so the run could not be saved \(what was saved before is kept\)/ : /The browser stopped the write, so the run could not be saved/);
    expect((await listRuns(base)).map((r) => r.id)).toEqual(['before']);
    expect(await getRunModel('new', base)).toBeUndefined();
    expect(await runWeightBytes('before', base)).toBe(16);

    await saveRun(record('new'), model(), base);
    expect((await listRuns(base)).map((r) => r.id)).toEqual(['before', 'new']);
    // The inventory's figures are the stores': one model per run, none without its run.
    const stored = await keys<string>(base);
    expect(stored.filter((k) => k.startsWith('model:')).map((k) => k.slice(6)).sort()).toEqual(['before', 'new']);
    expect(await runWeightBytes('new', base)).toBe(16);
  });
});
