import 'fake-indexeddb/auto';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { createStore, keys } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { FLAG_DUPLICATE_IN_SPLIT, FLAG_TEST_IN_TRAIN } from './faceSet';
import { hashBytes } from './hash';
import { ingestFile, type IngestOptions } from './ingest';
import { getColumns, getPixelChunk, listManifests, removeOrphans, deleteDataset } from './storage';
import { bmp, decodeBmp, face } from './testImages';

let n = 0;
const fresh = () => createStore(`datasets-${n++}`, 'records');
const options = (db = fresh(), extra: Partial<IngestOptions> = {}): IngestOptions => ({ decode: decodeBmp, signal: new AbortController().signal, db, chunkSize: 2, ...extra });
const zipFile = (entries: Zippable, name = 'fer.zip') => new File([zipSync(entries, { level: 1 }) as BlobPart], name);

const kaggle = (): Zippable => ({
  'fer2013/train/happy/Training_1.bmp': face(1),
  'fer2013/train/happy/Training_2.bmp': face(2),
  'fer2013/train/Sad/Training_3.bmp': face(3),
  'fer2013/train/sad/Training_3_copy.bmp': face(3), // duplicate within train
  'fer2013/test/surprised/PublicTest_1.bmp': face(4),
  'fer2013/test/surprised/PrivateTest_2.bmp': face(1), // the same face as a training image
  'fer2013/test/angry/PrivateTest_3.bmp': bmp(96, 64, (x, y) => [x * 2, y * 3, 100]), // colour, another size
  'fer2013/train/contempt/Training_9.bmp': face(9),
  'fer2013/train/happy/notes.txt': strToU8('notes'),
  'fer2013/train/happy/Training_broken.bmp': bmp(48, 48, () => [1, 1, 1]).slice(0, 80),
  'fer2013/train/happy/empty.bmp': new Uint8Array(0),
  '../train/happy/evil.bmp': face(7),
  '__MACOSX/._junk': strToU8('x'),
});

describe('ingestFile (Kaggle folders)', () => {
  it('imports faces with labels, splits, subsets and flags, and lists what it skipped', async () => {
    const db = fresh();
    const { manifest, existing } = await ingestFile(zipFile(kaggle()), options(db));
    expect(existing).toBe(false);
    expect(manifest.format).toBe('kaggle-folders');
    expect(manifest.count).toBe(7);
    expect(manifest.counts.train).toEqual([0, 0, 0, 2, 2, 0, 0]);
    expect(manifest.counts.test).toEqual([1, 0, 0, 0, 0, 2, 0]);
    expect(manifest.subsetCounts).toEqual({ Training: 4, PublicTest: 1, PrivateTest: 2 });
    expect(manifest.converted).toBe(1);
    expect(manifest.duplicatesInSplit).toBe(1);
    expect(manifest.testInTrain).toBe(1);
    const reasons = Object.fromEntries(manifest.skipped.map((s) => [s.name, s.reason]));
    expect(reasons).toEqual({
      'fer2013/train/contempt/Training_9.bmp': 'unknown emotion folder “contempt”',
      'fer2013/train/happy/notes.txt': 'not an image file',
      'fer2013/train/happy/Training_broken.bmp': 'corrupt image: the browser could not decode it',
      'fer2013/train/happy/empty.bmp': 'empty file',
      '../train/happy/evil.bmp': 'path traversal (“..”) in the archive',
    });

    const columns = (await getColumns(manifest.id, db))!;
    const leaked = columns.sourceNames.indexOf('fer2013/test/surprised/PrivateTest_2.bmp');
    expect(columns.flags[leaked] & FLAG_TEST_IN_TRAIN).toBeTruthy();
    expect(columns.imageIds[leaked]).toBe(columns.imageIds[columns.sourceNames.indexOf('fer2013/train/happy/Training_1.bmp')]);
    expect(columns.flags[columns.sourceNames.indexOf('fer2013/train/sad/Training_3_copy.bmp')] & FLAG_DUPLICATE_IN_SPLIT).toBeTruthy();
    // Pixels are stored in chunks and their hash is the image id.
    expect(manifest.chunkCount).toBe(4);
    const first = await getPixelChunk(manifest.id, 0, db);
    expect(first.length).toBe(2 * 2304);
    expect(hashBytes(first.subarray(0, 2304))).toBe(columns.imageIds[0]);
  });

  it('recognises an archive it already has without reading it again', async () => {
    const db = fresh();
    const file = zipFile(kaggle());
    const first = await ingestFile(file, options(db));
    const again = await ingestFile(file, options(db, { decode: () => Promise.reject(new Error('must not decode')) }));
    expect(again).toEqual({ manifest: first.manifest, existing: true });
    expect(await listManifests(db)).toHaveLength(1);
  });

  it('skips an entry whose declared size is absurd for an image (zip bomb)', async () => {
    const db = fresh();
    const { manifest } = await ingestFile(zipFile({ 'train/happy/a.bmp': face(1), 'train/happy/bomb.bmp': new Uint8Array(40 * 2 ** 20) }), options(db));
    expect(manifest.count).toBe(1);
    expect(manifest.skipped[0]).toEqual({ name: 'train/happy/bomb.bmp', reason: 'declares 41.9 MB uncompressed, too large for this entry (zip bomb?)' });
  });
});

describe('ingestFile (fer2013.csv)', () => {
  const row = (label: number, seed: number, usage: string) => `${label},${Array.from({ length: 2304 }, (_, i) => (i + seed) % 256).join(' ')},${usage}`;
  const csv = ['emotion,pixels,Usage', row(3, 1, 'Training'), row(4, 2, 'PublicTest'), '7,1 2,Training', row(0, 1, 'PrivateTest')].join('\n');

  it('imports a bare CSV and reports malformed rows by line', async () => {
    const { manifest } = await ingestFile(new File([csv], 'fer2013.csv'), options());
    expect(manifest.format).toBe('fer2013-csv');
    expect(manifest.count).toBe(3);
    expect(manifest.subsetCounts).toEqual({ Training: 1, PublicTest: 1, PrivateTest: 1 });
    expect(manifest.testInTrain).toBe(1);
    expect(manifest.skipped).toEqual([{ name: 'fer2013.csv line 4', reason: 'emotion “7” is not a label 0-6' }]);
  });

  it('imports the CSV inside a zip', async () => {
    const { manifest } = await ingestFile(zipFile({ 'data/fer2013.csv': strToU8(csv) }), options());
    expect(manifest.count).toBe(3);
    expect(manifest.format).toBe('fer2013-csv');
  });
});

describe('ingestFile (bad input)', () => {
  it('refuses a file that is neither an archive nor a CSV', async () => {
    await expect(ingestFile(new File(['just some text'], 'notes.txt'), options())).rejects.toThrow('“notes.txt” is neither a ZIP archive nor a FER2013 CSV');
  });

  it('refuses a truncated archive and stores nothing of it', async () => {
    const db = fresh();
    const bytes = zipSync(kaggle(), { level: 1 });
    await expect(ingestFile(new File([bytes.slice(0, Math.floor(bytes.length * 0.6)) as BlobPart], 'cut.zip'), options(db))).rejects.toThrow(/corrupt|truncated|No FER2013 faces/);
    expect(await keys(db)).toEqual([]);
  });

  it('says what layout it expected when it finds none', async () => {
    await expect(ingestFile(zipFile({ 'photos/a.bmp': face(1), 'photos/b.bmp': face(2) }), options())).rejects.toThrow(
      /No FER2013 faces found in “fer.zip”: expected train\/<emotion>\/ and test\/<emotion>\/ folders.*2 entries were skipped/,
    );
  });

  it('leaves nothing behind when cancelled, and keeps other datasets intact', async () => {
    const db = fresh();
    const kept = await ingestFile(zipFile({ 'train/happy/a.bmp': face(11) }, 'kept.zip'), options(db));
    const controller = new AbortController();
    let calls = 0;
    const decode = async (bytes: Uint8Array) => {
      if (++calls === 3) controller.abort();
      return decodeBmp(bytes);
    };
    await expect(ingestFile(zipFile(kaggle()), options(db, { decode, signal: controller.signal }))).rejects.toThrow(/Cancelled/);
    expect((await listManifests(db)).map((m) => m.name)).toEqual(['kept.zip']);
    expect((await keys<string>(db)).every((k) => k.includes(kept.manifest.id))).toBe(true);
  });

  it('deletes a dataset completely and cleans orphans of interrupted imports', async () => {
    const db = fresh();
    const { manifest } = await ingestFile(zipFile(kaggle()), options(db));
    await deleteDataset(manifest.id, db);
    expect(await keys(db)).toEqual([]);
    const { set } = await import('idb-keyval');
    await set('pixels:orphan:0', new Uint8Array(4), db);
    expect(await removeOrphans(db)).toEqual(['orphan']);
    expect(await keys(db)).toEqual([]);
  });
});
