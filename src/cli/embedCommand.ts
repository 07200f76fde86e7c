/**
 * `facet embed`: the browser's embedding pipeline, headless. The archive goes through the same ingest (into an
 * in-memory IndexedDB), the same CLIP preprocessing, batching and cache (embedDataset), and comes out as the same
 * embeddings file the Embed section exports; the notebook imports it as if it had computed it.
 * Each stored batch is appended to `<out>.partial/`: a run that stops part-way continues where it stopped.
 */
import 'fake-indexeddb/auto';
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { ingestFile } from '../dataset/ingest';
import { putEmbeddings, type Representation } from '../embed/embeddingCache';
import { embedDataset } from '../embed/embedDataset';
import { datasetEmbeddingFile } from '../embed/exportEmbeddings';
import type { Precision } from '../embed/modelSource';
import { PAPER_TEMPLATE, promptsFor } from '../embed/prompts';
import { ClipTokenizer } from '../embed/tokenizer';
import { zeroShotOnTest } from '../embed/zeroShotRun';
import { formatBytes, ProgressTracker } from '../lib/progress';
import { l2NormalizeRows } from '../lib/vectors';
import { readFileSync } from 'node:fs';
import { decodeImageInNode } from './nodeDecode';
import { createNodeEncoder, modelFiles, type Device } from './nodeModel';
import { PartialOutput } from './partialOutput';
import { TerminalProgress } from './terminal';

export interface EmbedCommandOptions {
  dataset: string;
  model: string;
  precision: Precision;
  out: string;
  batchSize: number;
  device: Device;
  threads?: number;
  restart: boolean;
  /** also score CLIP zero-shot on the test split with the paper's prompts */
  zeroShot: boolean;
  signal: AbortSignal;
  log(line: string): void;
}

export interface EmbedCommandResult {
  count: number;
  embeddedNow: number;
  fromPartial: number;
  seconds: number;
  imagesPerSecond: number;
  zeroShotAccuracy?: number;
}

export async function embedCommand(o: EmbedCommandOptions): Promise<EmbedCommandResult> {
  const terminal = new TerminalProgress();
  const file = new File([await openAsBlob(o.dataset)], basename(o.dataset));

  o.log(`Reading ${file.name} (${formatBytes(file.size)})`);
  const { manifest } = await ingestFile(file, {
    decode: decodeImageInNode,
    signal: o.signal,
    onProgress: (p) => terminal.show({ stage: 'Reading', done: p.bytesRead, total: p.totalBytes, unit: 'B', rate: NaN, etaSeconds: NaN }),
  });
  terminal.done();
  o.log(`${manifest.count.toLocaleString('en-US')} faces (${manifest.skipped.length} entries skipped)`);

  const files = await modelFiles(o.model, o.precision, (url, loaded, total) =>
    terminal.show({ stage: `Downloading ${url.split('/').at(-1)}`, done: loaded, total, unit: 'B', rate: NaN, etaSeconds: NaN }),
  );
  terminal.done();
  const vision = await createNodeEncoder('vision', files.vision, o.device, o.threads);
  o.log(`CLIP vision encoder: ${files.id} (${o.precision}), ${vision.iface.dim}-d, on ${vision.provider}${vision.note ? ` (${vision.note})` : ''}`);
  const rep: Representation = { kind: 'clip', model: files.id, precision: o.precision, dim: vision.iface.dim };

  const partial = PartialOutput.open(o.out, { datasetId: manifest.id, representation: rep }, o.restart);
  if (partial.ids.length) {
    await putEmbeddings(rep, partial.ids, partial.vectors);
    o.log(`Continuing: ${partial.ids.length.toLocaleString('en-US')} images were embedded by an earlier run (${partial.dir})`);
  }

  const size = vision.iface.imageSize!;
  const started = performance.now();
  let tracker: ProgressTracker | undefined;
  const progress = await embedDataset(manifest.id, rep, (pixels, count) => vision.run(pixels, [count, 3, size, size]), {
    batchSize: o.batchSize,
    imageSize: size,
    signal: o.signal,
    onStored: (ids, vectors) => partial.append(ids, vectors),
    onProgress: (p) => {
      tracker ??= new ProgressTracker('Embedding', p.total, 'img');
      terminal.show(tracker.update(p.done));
    },
  });
  terminal.done();
  const seconds = (performance.now() - started) / 1000;
  await vision.release();

  const { bytes, count } = await datasetEmbeddingFile(manifest.id, rep);
  partial.finish(o.out, bytes);
  const imagesPerSecond = progress.done / Math.max(seconds, 1e-9);
  o.log(`Wrote ${o.out}: ${count.toLocaleString('en-US')} embeddings (${progress.done.toLocaleString('en-US')} now at ${imagesPerSecond.toFixed(1)} img/s, ${partial.ids.length.toLocaleString('en-US')} from the earlier run)`);

  const result: EmbedCommandResult = { count, embeddedNow: progress.done, fromPartial: partial.ids.length, seconds, imagesPerSecond };
  if (o.zeroShot) {
    const text = await createNodeEncoder('text', files.text, o.device, o.threads);
    const tokenizer = ClipTokenizer.fromJson(readFileSync(files.tokenizer, 'utf8'), files.tokenizer);
    const prompts = promptsFor([PAPER_TEMPLATE]);
    const batch = tokenizer.encodeBatch(prompts.flat());
    const promptVectors = l2NormalizeRows(await text.run(batch.inputIds, [batch.count, batch.length]), text.iface.dim);
    await text.release();
    const zeroShot = await zeroShotOnTest(manifest.id, rep, promptVectors, prompts.flatMap((list, c) => list.map(() => c)));
    result.zeroShotAccuracy = zeroShot.evaluation.accuracy;
    o.log(`CLIP zero-shot ("${PAPER_TEMPLATE}") on ${zeroShot.scored.toLocaleString('en-US')} test images: ${(100 * zeroShot.evaluation.accuracy).toFixed(2)}%`);
  }
  return result;
}
