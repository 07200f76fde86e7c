/**
 * embed.peer-transformers-js: Facet's Embed section against the library most users would reach for,
 * transformers.js's CLIP (AutoProcessor + CLIPVisionModelWithProjection), in the same headless Chromium, same run,
 * same faces (fer2013-mini's 384 distinct images), same model file (the generated vit-b-32,
 * onnx/vision_model_quantized.onnx, int8), WASM with all cores, 16 faces per batch as the Embed section does.
 *
 * transformers.js's page (bench/peer/) is built with its own vite config to a temporary folder and served with the
 * app's cross-origin isolation headers and /models/ middleware; the faces are the ones Facet's import decodes, written
 * beside the page as raw 48×48 gray bytes. Its timing runs from those bytes in memory to the embeddings (processor +
 * model); Facet's also reads the faces from IndexedDB and stores the vectors, so it does more, not less.
 */
// Facet's import reads fer2013-mini into IndexedDB; in the bench process (Node) that is fake-indexeddb, as for `facet embed`.
import 'fake-indexeddb/auto';
import { copyFileSync, mkdirSync, mkdtempSync, openAsBlob, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { build, type InlineConfig } from 'vite';
import { foreignRequests, startHarness } from '../e2e/harness';
import { generatePreset } from '../scripts/testmodels/generate';
import { isolationHeaders, serveGeneratedModels } from '../vite.config';
import { browserImagesPerSecond } from './cli';
import { ensureModel } from './embed';
import { record, summarize, type BenchRecord } from './lib';
import type { PeerBench } from './peer/main';
import type { Scenario } from './lib';

declare const peerBench: PeerBench;

const MINI = new URL('../../shared/data/fer2013-mini.zip', import.meta.url).pathname;
const PRESET = 'vit-b-32';
const BATCH = 16;
/** Facet and transformers.js alternate, so the other jobs' load on the machine falls on both alike. */
const ROUNDS = 3;
const AGREEMENT_FACES = 8;

/** fer2013-mini's distinct faces as Facet's import decodes them (in Node, into fake IndexedDB), 48×48 gray each. */
async function distinctFaces(): Promise<Uint8Array> {
  const { ingestFile } = await import('../src/dataset/ingest');
  const { getColumns, getPixelChunk } = await import('../src/dataset/storage');
  const { decodeImageInNode } = await import('../src/cli/nodeDecode');
  const file = new File([await openAsBlob(MINI)], basename(MINI));
  const { manifest } = await ingestFile(file, { decode: decodeImageInNode, signal: new AbortController().signal });
  const columns = (await getColumns(manifest.id))!;
  const area = 48 * 48;
  const seen = new Set<string>();
  const faces: Uint8Array[] = [];
  const chunks = new Map<number, Uint8Array>();
  for (let i = 0; i < columns.imageIds.length; i++) {
    if (seen.has(columns.imageIds[i])) continue;
    seen.add(columns.imageIds[i]);
    const k = Math.floor(i / manifest.chunkSize);
    if (!chunks.has(k)) chunks.set(k, await getPixelChunk(manifest.id, k));
    const offset = (i % manifest.chunkSize) * area;
    faces.push(chunks.get(k)!.slice(offset, offset + area));
  }
  const all = new Uint8Array(faces.length * area);
  faces.forEach((face, i) => all.set(face, i * area));
  return all;
}

/** Builds bench/peer/ into a temporary folder with the faces and transformers.js's own onnxruntime-web WASM beside it. */
async function buildPeerPage(faces: Uint8Array): Promise<InlineConfig> {
  const outDir = mkdtempSync(join(tmpdir(), 'facet-bench-peer-'));
  const config: InlineConfig = {
    configFile: false,
    root: resolve(import.meta.dirname, 'peer'),
    logLevel: 'warn',
    plugins: [serveGeneratedModels()],
    preview: { headers: isolationHeaders },
    build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
  };
  await build(config);
  writeFileSync(join(outDir, 'faces.bin'), faces);
  // The onnxruntime-web that transformers.js depends on (not necessarily the app's version).
  const fromTransformers = createRequire(createRequire(import.meta.url).resolve('@huggingface/transformers'));
  const ortDist = dirname(fromTransformers.resolve('onnxruntime-web'));
  mkdirSync(join(outDir, 'ort'));
  for (const name of ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm']) copyFileSync(join(ortDist, name), join(outDir, 'ort', name));
  return config;
}

interface PeerRun {
  imagesPerSecond: number;
  versions: string;
  agreement?: Awaited<ReturnType<PeerBench['agreement']>>;
}

async function transformersJsRun(config: InlineConfig, checkAgreement: boolean): Promise<PeerRun> {
  const harness = await startHarness({ config });
  try {
    const page = await harness.newPage('/');
    await page.waitForFunction(() => 'peerBench' in globalThis);
    const loaded = await page.evaluate(([preset, threads]) => peerBench.load(preset, threads), [PRESET, availableParallelism()] as const);
    if (loaded.faces !== 384) throw new Error(`the peer page has ${loaded.faces} faces, not 384`);
    const run = await page.evaluate((batch) => peerBench.embedAll(batch), BATCH);
    if (run.dim !== 512) throw new Error(`transformers.js returned ${run.dim}-d embeddings, not 512`);
    const agreement = checkAgreement ? await page.evaluate((k) => peerBench.agreement(k), AGREEMENT_FACES) : undefined;
    if (agreement) console.log(`  same face through both preprocessings: cosine ${agreement.sameFace.map((c) => c.toFixed(4)).join(' ')}`);
    const foreign = foreignRequests(harness);
    if (foreign.length) throw new Error(`the peer page reached the network: ${foreign.join(', ')}`);
    return {
      imagesPerSecond: (run.count * 1000) / run.ms,
      versions: `transformers.js ${loaded.transformersJs} (onnxruntime-web ${loaded.onnxruntimeWeb}, ${loaded.threads} threads)`,
      agreement,
    };
  } finally {
    await harness.close();
  }
}

async function runPeerTransformersJs(): Promise<BenchRecord[]> {
  ensureModel();
  generatePreset(PRESET); // up to date: only writes the config.json / preprocessor_config.json transformers.js needs
  await build({ logLevel: 'warn' }); // the app, for the Embed section
  const faces = await distinctFaces();
  if (faces.length !== 384 * 48 * 48) throw new Error(`fer2013-mini has ${faces.length / 2304} distinct faces, not 384`);
  const config = await buildPeerPage(faces);
  const facet: number[] = [];
  const peer: PeerRun[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      peer.push(await transformersJsRun(config, round === 0));
      console.log(`  transformers.js: ${peer.at(-1)!.imagesPerSecond.toFixed(2)} img/s`);
      facet.push((await browserImagesPerSecond()).endToEnd);
      console.log(`  Facet Embed section: ${facet.at(-1)!.toFixed(2)} img/s`);
    }
  } finally {
    rmSync(config.build!.outDir!, { recursive: true, force: true });
  }
  const agreement = peer[0].agreement!;
  const minSame = Math.min(...agreement.sameFace);
  const maxNeighbour = Math.max(...agreement.neighbourFaces);
  console.log(`  neighbouring faces: cosine ${agreement.neighbourFaces.map((c) => c.toFixed(4)).join(' ')}`);
  console.log(`  pixel_values differ by ${agreement.meanPixelDiff.toFixed(4)} on average, ${agreement.maxPixelDiff.toFixed(3)} at most`);
  if (!(minSame > 0.99)) console.warn(`  ⚠ the two preprocessings give different embeddings (cosine down to ${minSame.toFixed(4)})`);
  const peerMedian = summarize(peer.map((p) => p.imagesPerSecond)).median;
  const note =
    `Embedding fer2013-mini (384 faces) with the generated vit-b-32 model, int8, WASM, all cores, batches of ${BATCH}, in headless Chromium: ` +
    `Facet's Embed section (incl. reading IndexedDB and storing) vs ${peer[0].versions} AutoProcessor + CLIPVisionModelWithProjection on RawImage 48×48 gray faces; ` +
    `runs alternate (transformers.js ${peer.map((p) => p.imagesPerSecond.toFixed(2)).join(', ')} img/s; Facet ${facet.map((v) => v.toFixed(2)).join(', ')}); ` +
    `same face through both preprocessings: cosine ≥ ${minSame.toFixed(4)} (neighbouring faces ≤ ${maxNeighbour.toFixed(4)}); machine shared with other jobs`;
  return [record({ name: `embed.peer.transformers-js.${PRESET}.int8`, unit: 'img/s', n: 384, samples: facet, note }, { name: 'transformers.js', value: peerMedian })];
}

export const peerScenarios: Scenario[] = [{ name: 'embed.peer-transformers-js', run: runPeerTransformersJs }];
