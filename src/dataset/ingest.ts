/**
 * Imports a FER2013 archive (Kaggle's image folders in a zip, or fer2013.csv bare or zipped) into a stored FaceSet.
 * Streams: the file is read in chunks, the zip inflated entry by entry (fflate), each image decoded, converted to a
 * 48×48 gray face and appended to a pixel chunk that goes to IndexedDB as soon as it is full, so memory holds one
 * chunk of faces and one entry at a time. Bad entries are skipped with a reason; a bad archive, a cancel or a full
 * disk removes what this import wrote, and the manifest is written last.
 */
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import type { UseStore } from 'idb-keyval';
import { EMOTION_COUNT } from '../lib/emotions';
import { ProgressTracker, formatBytes, formatDuration } from '../lib/progress';
import { CancelledError, isCancelled, throwIfCancelled } from '../lib/rpc';
import { LineSplitter, parseCsvHeader, parseCsvRow } from './csv';
import {
  FACE_AREA,
  FLAG_DUPLICATE_IN_SPLIT,
  FLAG_TEST_IN_TRAIN,
  SPLITS,
  SUBSETS,
  type FaceSetColumns,
  type FaceSetManifest,
  type SkippedEntry,
  type Split,
  type Subset,
} from './faceSet';
import { hashBytes, sha256Hex } from './hash';
import { headerProblem } from './imageHeader';
import { planEntry } from './layout';
import { datasetStore, discardIncomplete, getManifest, putColumns, putManifest, putPixelChunk } from './storage';
import { toFace, type DecodedImage } from './toFace';

export type { DecodedImage } from './toFace';
export type DecodeImage = (bytes: Uint8Array) => Promise<DecodedImage>;

export interface IngestProgress {
  images: number;
  bytesRead: number;
  totalBytes: number;
  message: string;
}

export interface IngestOptions {
  decode: DecodeImage;
  signal: AbortSignal;
  onProgress?: (p: IngestProgress) => void;
  db?: UseStore;
  chunkSize?: number;
  /** how often progress is reported, ms */
  progressEveryMs?: number;
}

export interface IngestResult {
  manifest: FaceSetManifest;
  /** true when this archive was imported before: nothing was read again */
  existing: boolean;
}

/** A zip entry larger than this cannot be a face image or a FER2013 CSV (the real CSV is ~300 MB). */
export const MAX_IMAGE_ENTRY_BYTES = 32 * 2 ** 20;
export const MAX_CSV_ENTRY_BYTES = 1024 * 2 ** 20;

type Kind = 'zip' | 'csv';

function sniff(head: Uint8Array): Kind | undefined {
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5)) return 'zip';
  const text = new TextDecoder().decode(head.subarray(0, 256)).replace(/^\uFEFF/, '').toLowerCase();
  if (text.split(/\r?\n/)[0].includes('emotion') && text.includes('pixels')) return 'csv';
  return undefined;
}

/** Collects faces into pixel chunks (written to storage as they fill) and per-image columns. */
class FaceCollector {
  readonly imageIds: string[] = [];
  readonly sourceNames: string[] = [];
  readonly labels: number[] = [];
  readonly splits: number[] = [];
  readonly subsets: number[] = [];
  converted = 0;
  chunksWritten = 0;
  private chunk: Uint8Array;
  private inChunk = 0;

  constructor(
    private readonly datasetId: string,
    private readonly chunkSize: number,
    private readonly db: UseStore,
  ) {
    this.chunk = new Uint8Array(chunkSize * FACE_AREA);
  }

  get count(): number {
    return this.imageIds.length;
  }

  async add(pixels: Uint8Array, label: number, split: Split, subset: Subset, sourceName: string, converted: boolean): Promise<void> {
    this.chunk.set(pixels, this.inChunk * FACE_AREA);
    this.inChunk++;
    this.imageIds.push(hashBytes(pixels));
    this.sourceNames.push(sourceName);
    this.labels.push(label);
    this.splits.push(SPLITS.indexOf(split));
    this.subsets.push(SUBSETS.indexOf(subset));
    if (converted) this.converted++;
    if (this.inChunk === this.chunkSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.inChunk === 0) return;
    await putPixelChunk(this.datasetId, this.chunksWritten, this.chunk.slice(0, this.inChunk * FACE_AREA), this.db);
    this.chunksWritten++;
    this.inChunk = 0;
  }
}

export async function ingestFile(file: File, options: IngestOptions): Promise<IngestResult> {
  const { decode, signal, onProgress, db = datasetStore(), chunkSize = 4096, progressEveryMs = 250 } = options;
  const started = performance.now();
  if (file.size === 0) throw new Error(`“${file.name}” is empty`);
  const kind = sniff(new Uint8Array(await file.slice(0, 512).arrayBuffer()));
  if (!kind) throw new Error(`“${file.name}” is neither a ZIP archive nor a FER2013 CSV (emotion,pixels,Usage)`);

  const id = await sha256Hex(await file.arrayBuffer());
  const existing = await getManifest(id, db);
  if (existing) return { manifest: existing, existing: true };

  const collector = new FaceCollector(id, chunkSize, db);
  const skipped: SkippedEntry[] = [];
  const bytesTracker = new ProgressTracker('Reading', file.size, 'B');
  const imageTracker = new ProgressTracker('Images', Number.MAX_SAFE_INTEGER, 'img');
  let bytesRead = 0;
  let lastReport = -Infinity;
  let csvSeen = false;
  const report = (force = false) => {
    const now = performance.now();
    if (!onProgress || (!force && now - lastReport < progressEveryMs)) return;
    lastReport = now;
    const bytes = bytesTracker.update(bytesRead);
    const images = imageTracker.update(collector.count);
    const rate = Number.isFinite(images.rate) ? ` · ${Math.round(images.rate)} img/s` : '';
    const eta = bytesRead < file.size ? ` · ETA ${formatDuration(bytes.etaSeconds)}` : '';
    onProgress({
      images: collector.count,
      bytesRead,
      totalBytes: file.size,
      message: `Importing ${collector.count.toLocaleString('en-US')} images${rate} · ${formatBytes(bytesRead)} of ${formatBytes(file.size)}${eta}`,
    });
  };

  const addImage = async (name: string, bytes: Uint8Array, plan: { split: Split; label: number; subset: Subset }) => {
    const problem = headerProblem(bytes);
    if (problem) return void skipped.push({ name, reason: problem });
    let decoded: DecodedImage;
    try {
      decoded = await decode(bytes);
    } catch {
      return void skipped.push({ name, reason: 'corrupt image: the browser could not decode it' });
    }
    const face = toFace(decoded);
    await collector.add(face.pixels, plan.label, plan.split, plan.subset, name, face.converted);
  };

  const csvReader = (name: string) => {
    csvSeen = true;
    const splitter = new LineSplitter();
    const decoder = new TextDecoder();
    let columns: ReturnType<typeof parseCsvHeader> | undefined;
    let line = 0;
    const rows: { label: number; pixels: Uint8Array; subset: Subset; line: number }[] = [];
    return {
      push(bytes: Uint8Array, final: boolean) {
        splitter.push(decoder.decode(bytes, { stream: !final }), final, (text) => {
          line++;
          if (!columns) return void (columns = parseCsvHeader(text));
          const row = parseCsvRow(text, columns);
          if (row.ok) rows.push({ ...row, line });
          else skipped.push({ name: `${name} line ${line}`, reason: row.reason });
        });
      },
      async drain() {
        for (const row of rows.splice(0)) {
          const split: Split = row.subset === 'Training' ? 'train' : 'test';
          await collector.add(row.pixels, row.label, split, row.subset, `${name}:${row.line}`, false);
        }
      },
    };
  };

  try {
    if (kind === 'csv') {
      const csv = csvReader(file.name);
      for await (const chunk of readChunks(file, signal)) {
        csv.push(chunk, false);
        bytesRead += chunk.byteLength;
        await csv.drain();
        report();
      }
      csv.push(new Uint8Array(0), true);
      await csv.drain();
    } else {
      await readZip(file, signal, {
        onEntry: (entry) => {
          const plan = planEntry(entry.name);
          if (plan.kind === 'ignore') return undefined;
          if (plan.kind === 'skip') return void skipped.push({ name: entry.name, reason: plan.reason });
          const limit = plan.kind === 'csv' ? MAX_CSV_ENTRY_BYTES : MAX_IMAGE_ENTRY_BYTES;
          if ((entry.originalSize ?? 0) > limit) {
            return void skipped.push({ name: entry.name, reason: `declares ${formatBytes(entry.originalSize!)} uncompressed, too large for this entry (zip bomb?)` });
          }
          if (plan.kind === 'csv') {
            const csv = csvReader(entry.name);
            return { limit, onData: (bytes: Uint8Array, final: boolean) => csv.push(bytes, final), finish: () => csv.drain() };
          }
          const parts: Uint8Array[] = [];
          return {
            limit,
            onData: (bytes: Uint8Array) => void parts.push(bytes),
            finish: () => addImage(entry.name, concat(parts), plan),
          };
        },
        onSkip: (name, reason) => skipped.push({ name, reason }),
        onBytes: (n) => {
          bytesRead += n;
          report();
        },
      });
    }
    throwIfCancelled(signal);
    await collector.flush();
    if (collector.count === 0) {
      const why = skipped.length ? ` ${skipped.length} entries were skipped, e.g. “${skipped[0].name}”: ${skipped[0].reason}.` : '';
      throw new Error(
        kind === 'zip' && !csvSeen
          ? `No FER2013 faces found in “${file.name}”: expected train/<emotion>/ and test/<emotion>/ folders of images, or fer2013.csv.${why}`
          : `No valid rows in “${file.name}”.${why}`,
      );
    }
    report(true);
    const columns = finishColumns(collector);
    const manifest = summarize(id, file.name, kind, collector, columns, skipped, chunkSize, performance.now() - started);
    await putColumns(id, columns, db);
    await putManifest(manifest, db);
    return { manifest, existing: false };
  } catch (error) {
    await discardIncomplete(id, db).catch(() => {});
    // Every refusal names the file, whichever part of the import found the problem (zip, CSV, storage).
    if (error instanceof Error && !isCancelled(error) && !error.message.includes(file.name)) {
      throw new Error(`“${file.name}”: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

async function* readChunks(file: Blob, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  const reader = file.stream().getReader();
  try {
    for (;;) {
      throwIfCancelled(signal);
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

interface EntryHandler {
  limit: number;
  onData(bytes: Uint8Array, final: boolean): void;
  finish(): Promise<void>;
}

/**
 * Streams a zip through fflate's Unzip. Entry callbacks are synchronous, so finished entries queue up and are
 * processed (decoded, stored) between file chunks: at most one file chunk's worth of entries waits at a time.
 */
async function readZip(
  file: Blob,
  signal: AbortSignal,
  handlers: {
    onEntry(entry: UnzipFile): EntryHandler | undefined;
    onSkip(name: string, reason: string): void;
    onBytes(n: number): void;
  },
): Promise<void> {
  const ready: (() => Promise<void>)[] = [];
  let failure: Error | undefined;
  let entriesSeen = 0;
  const unzip = new Unzip((entry) => {
    entriesSeen++;
    const handler = handlers.onEntry(entry);
    if (!handler) return;
    if (entry.compression !== 0 && entry.compression !== 8) {
      return handlers.onSkip(entry.name, `compression method ${entry.compression} is not supported (use deflate)`);
    }
    let received = 0;
    let refused = false;
    entry.ondata = (error, data, final) => {
      if (refused) return;
      if (error) {
        refused = true;
        return handlers.onSkip(entry.name, `corrupt entry: ${error.message}`);
      }
      received += data.byteLength;
      if (received > handler.limit) {
        // The declared size lied: stop inflating before it fills memory.
        refused = true;
        entry.terminate();
        return handlers.onSkip(entry.name, `inflates past ${formatBytes(handler.limit)} (zip bomb?)`);
      }
      handler.onData(data, final);
      if (final) ready.push(handler.finish);
    };
    try {
      entry.start();
    } catch (error) {
      handlers.onSkip(entry.name, `cannot be read: ${(error as Error).message}`);
    }
  });
  unzip.register(UnzipInflate);

  const drain = async () => {
    while (ready.length) {
      throwIfCancelled(signal);
      await ready.shift()!();
    }
  };
  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      unzip.push(chunk, final);
    } catch (error) {
      failure = new Error(`The archive is corrupt (${(error as Error).message}): download it again, or check that it opens on your computer`);
    }
  };

  for await (const chunk of readChunks(file, signal)) {
    // Large reads are fed in slices so finished entries are handled often and the queue stays short.
    for (let offset = 0; offset < chunk.byteLength && !failure; offset += 65536) {
      push(chunk.subarray(offset, offset + 65536), false);
      handlers.onBytes(Math.min(65536, chunk.byteLength - offset));
      await drain();
    }
    if (failure) throw failure;
  }
  push(new Uint8Array(0), true);
  if (failure) throw failure;
  await drain();
  if (entriesSeen === 0) throw new Error('The archive is truncated or corrupt (no entries could be read): download it again');
  if (!signal.aborted) return;
  throw new CancelledError();
}

function finishColumns(c: FaceCollector): FaceSetColumns {
  const flags = new Uint8Array(c.count);
  const seen: Record<number, Set<string>> = { 0: new Set(), 1: new Set() };
  c.imageIds.forEach((id, i) => {
    const split = c.splits[i];
    if (seen[split].has(id)) flags[i] |= FLAG_DUPLICATE_IN_SPLIT;
    seen[split].add(id);
  });
  const train = seen[SPLITS.indexOf('train')];
  c.imageIds.forEach((id, i) => {
    if (c.splits[i] === SPLITS.indexOf('test') && train.has(id)) flags[i] |= FLAG_TEST_IN_TRAIN;
  });
  return {
    imageIds: c.imageIds,
    sourceNames: c.sourceNames,
    labels: Uint8Array.from(c.labels),
    splits: Uint8Array.from(c.splits),
    subsets: Uint8Array.from(c.subsets),
    flags,
  };
}

function summarize(
  id: string,
  name: string,
  kind: Kind,
  c: FaceCollector,
  columns: FaceSetColumns,
  skipped: SkippedEntry[],
  chunkSize: number,
  ingestMs: number,
): FaceSetManifest {
  const counts = { train: new Array(EMOTION_COUNT).fill(0), test: new Array(EMOTION_COUNT).fill(0) };
  const subsetCounts = { Training: 0, PublicTest: 0, PrivateTest: 0 };
  let duplicatesInSplit = 0;
  let testInTrain = 0;
  for (let i = 0; i < c.count; i++) {
    counts[SPLITS[columns.splits[i]]][columns.labels[i]]++;
    subsetCounts[SUBSETS[columns.subsets[i]]]++;
    if (columns.flags[i] & FLAG_DUPLICATE_IN_SPLIT) duplicatesInSplit++;
    if (columns.flags[i] & FLAG_TEST_IN_TRAIN) testInTrain++;
  }
  return {
    id,
    name,
    format: kind === 'csv' || c.sourceNames[0]?.includes('.csv:') ? 'fer2013-csv' : 'kaggle-folders',
    createdAt: new Date().toISOString(),
    count: c.count,
    counts,
    subsetCounts,
    converted: c.converted,
    duplicatesInSplit,
    testInTrain,
    skipped,
    chunkCount: c.chunksWritten,
    chunkSize,
    ingestMs,
  };
}
