/**
 * Times a CLIP vision encoder in this browser: the code behind diagnostics.html, used by `npm run bench embed` and
 * the end-to-end tests through window.facetDiagnostics.
 */
import { detectCompute, type BackendPreference, type ComputeCapabilities } from '../lib/compute';
import { startEmbedWorker, type EmbedWorker, type LoadedEncoder } from '../embed/embedWorker';
import { startTrainWorker } from '../train/trainWorker';
import { listManifests } from '../dataset/storage';
import type { ForestSettings } from '../train/forest';
import type { ForestRunRecord } from '../train/types';
import { mirrorSource, type Precision } from '../embed/modelSource';
import { syntheticPixelValues } from '../embed/preprocess';

export interface SpeedTestResult {
  batch: number;
  batches: number;
  /** wall time per batch seen from the page, including the worker round trip */
  msPerBatch: number[];
  imagesPerSecond: number;
}

export class Diagnostics {
  private worker?: EmbedWorker;
  private loaded?: LoadedEncoder;

  capabilities(): Promise<ComputeCapabilities> {
    return detectCompute();
  }

  async loadVision(options: { baseUrl: string; precision: Precision; backend: BackendPreference; threads?: number }): Promise<LoadedEncoder> {
    this.worker?.terminate();
    this.worker = startEmbedWorker();
    const source = mirrorSource(options.baseUrl, location.href);
    this.loaded = await this.worker.loadEncoder({ source, kind: 'vision', precision: options.precision, backend: options.backend, threads: options.threads });
    return this.loaded;
  }

  /** Embeds `count` synthetic images made from `seed`; returns plain numbers so test drivers can read them. */
  async encodeSynthetic(count: number, seed: number): Promise<{ dims: [number, number]; values: number[] }> {
    const { worker, loaded } = this.ready();
    const pixelValues = syntheticPixelValues(count, seed, loaded.iface.imageSize);
    const { embeddings, dim } = await worker.encodeImages({ pixelValues, count });
    return { dims: [count, dim], values: Array.from(embeddings) };
  }

  async speedTest(batch: number, batches: number, warmup = 1): Promise<SpeedTestResult> {
    const { worker, loaded } = this.ready();
    const msPerBatch: number[] = [];
    for (let i = 0; i < warmup + batches; i++) {
      const pixelValues = syntheticPixelValues(batch, i + 1, loaded.iface.imageSize);
      const started = performance.now();
      await worker.encodeImages({ pixelValues, count: batch });
      if (i >= warmup) msPerBatch.push(performance.now() - started);
    }
    const total = msPerBatch.reduce((a, b) => a + b, 0);
    return { batch, batches, msPerBatch, imagesPerSecond: (batch * batches * 1000) / total };
  }

  /**
   * Milliseconds per epoch of the default MLP on synthetic n × dim features, in the train worker (on a kernel with
   * `threads` threads when given), with every batch's loss.
   */
  async trainSpeed(n: number, dim: number, epochs: number, threads?: number): Promise<{ msPerEpoch: number[]; backend: string; batchLosses: number[] }> {
    const worker = startTrainWorker();
    try {
      return await worker.speedTest({ n, dim, epochs, threads });
    } finally {
      worker.terminate();
    }
  }

  /**
   * A random forest on the raw pixels of the largest stored dataset, grown in a train worker and not saved: what
   * `npm run bench train` compares with scikit-learn (per-tree times, binning, test accuracy).
   */
  async forestSpeed(settings: ForestSettings): Promise<{
    dataset: string;
    trainCount: number;
    testCount: number;
    msPerTree: number[];
    binningSeconds: number;
    seconds: number;
    testAccuracy: number;
    oobAccuracy: number;
    meanDepth: number;
    nodeCount: number;
  }> {
    const dataset = (await listManifests()).sort((a, b) => b.count - a.count)[0];
    if (!dataset) throw new Error('No dataset is stored: import one on the main page first');
    const worker = startTrainWorker();
    try {
      const { result } = (await worker.train({
        jobId: 'forest-speed',
        classifier: 'forest',
        datasetId: dataset.id,
        datasetName: dataset.name,
        features: { kind: 'raw-pixels' },
        settings,
        save: false,
      })) as ForestRunRecord;
      return {
        dataset: dataset.name,
        trainCount: result.trainCount,
        testCount: result.test.count,
        msPerTree: result.msPerTree,
        binningSeconds: result.binningSeconds,
        seconds: result.seconds,
        testAccuracy: result.test.accuracy,
        oobAccuracy: result.oobAccuracy,
        meanDepth: result.meanDepth,
        nodeCount: result.nodeCount,
      };
    } finally {
      worker.terminate();
    }
  }

  private ready(): { worker: EmbedWorker; loaded: LoadedEncoder } {
    if (!this.worker || !this.loaded) throw new Error('Load a vision model first');
    return { worker: this.worker, loaded: this.loaded };
  }
}
