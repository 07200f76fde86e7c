/**
 * embed.* scenarios: CLIP ViT-B/32 vision encoder throughput in headless Chromium (onnxruntime-web, WASM) against
 * onnxruntime-node on the same file, the same inputs and the same thread count, in the same run.
 * Uses the `vit-b-32` generated model (real shapes, random weights): speed does not depend on the weights' values.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { build } from 'vite';
import { syntheticPixelValues } from '../src/embed/preprocess';
import type { Diagnostics } from '../src/diagnostics/speedTest';
import { modelFilePath, type Precision } from '../src/embed/modelSource';
import { startHarness } from '../e2e/harness';
import { record, type BenchRecord } from './lib';
import type { Scenario } from './lib';

declare const facetDiagnostics: Diagnostics;

const PRESET = 'vit-b-32';
const BATCHES = [1, 8, 32];
const PRECISIONS: Precision[] = ['fp32', 'quantized'];

/** Timed batches per configuration: enough images for a stable median without hours on two cores. */
function runsFor(batch: number): number {
  return batch === 1 ? 8 : batch === 8 ? 3 : 2;
}

export function ensureModel(): void {
  if (existsSync(`models/${PRESET}/onnx/vision_model_quantized.onnx`)) return;
  const result = spawnSync('npx', ['tsx', 'scripts/testmodels/generate.ts', PRESET], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`could not generate the ${PRESET} model`);
}

async function nativeImagesPerSecond(precision: Precision, threads: number, batch: number): Promise<number[]> {
  const session = await ort.InferenceSession.create(`models/${PRESET}/${modelFilePath('vision', precision)}`, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const samples: number[] = [];
  for (let i = 0; i <= runsFor(batch); i++) {
    const input = new ort.Tensor('float32', syntheticPixelValues(batch, i + 1), [batch, 3, 224, 224]);
    const started = performance.now();
    await session.run({ pixel_values: input });
    if (i > 0) samples.push((batch * 1000) / (performance.now() - started)); // run 0 warms up
  }
  await session.release();
  return samples;
}

async function browserImagesPerSecond(precision: Precision, threads: number, batch: number): Promise<number[]> {
  const harness = await startHarness();
  try {
    const page = await harness.newPage('/diagnostics.html');
    const options = { baseUrl: `/models/${PRESET}/`, precision, backend: 'wasm' as const, threads };
    const loaded = await page.evaluate((o) => facetDiagnostics.loadVision(o), options);
    if (loaded.backend.threads !== threads) throw new Error(`browser ran ${loaded.backend.threads} threads, not ${threads}`);
    const result = await page.evaluate(([b, runs]) => facetDiagnostics.speedTest(b, runs), [batch, runsFor(batch)] as const);
    return result.msPerBatch.map((ms) => (batch * 1000) / ms);
  } finally {
    await harness.close();
  }
}

async function runEmbedVision(): Promise<BenchRecord[]> {
  ensureModel();
  await build({ logLevel: 'warn' });
  const allThreads = availableParallelism();
  const records: BenchRecord[] = [];
  for (const precision of PRECISIONS) {
    for (const threads of [...new Set([1, allThreads])]) {
      for (const batch of BATCHES) {
        const native = await nativeImagesPerSecond(precision, threads, batch);
        const browser = await browserImagesPerSecond(precision, threads, batch);
        const nativeMedian = record({ name: 'native', unit: 'img/s', n: batch, samples: native }).median;
        const label = `${precision === 'quantized' ? 'int8' : precision}.threads-${threads}.batch-${batch}`;
        records.push(
          record(
            {
              name: `embed.vision.vit-b-32.wasm.${label}`,
              unit: 'img/s',
              n: batch,
              samples: browser,
              note: `onnxruntime-web WASM in headless Chromium vs onnxruntime-node CPU (${threads} thread${threads > 1 ? 's' : ''}), inference only`,
            },
            { name: `onnxruntime-node.${label}`, value: nativeMedian },
          ),
        );
        const last = records[records.length - 1];
        console.log(`  ${last.name}: ${last.value.toFixed(2)} img/s, native ${nativeMedian.toFixed(2)} img/s, ratio ${last.ratio!.toFixed(2)}`);
      }
    }
  }
  return records;
}

export const embedScenarios: Scenario[] = [{ name: 'embed.vision-throughput', run: runEmbedVision }];
