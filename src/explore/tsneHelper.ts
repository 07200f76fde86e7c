/**
 * A second thread for t-SNE's attraction and update: the project worker keeps the points [0, split), a helper
 * worker takes [split, n), both on the SharedArrayBuffers of Tsne.shareState(). They meet through a small shared
 * control block with Atomics (the project worker may block on Atomics.wait; the helper blocks between steps), so
 * a step costs no message round trip. Each point is computed by exactly one thread with the same arithmetic, so
 * the map is the same bit for bit with one thread or two.
 */
import { Fft } from './fft';
import { convolveGrid, type GridJob } from './fftRepulsion';
import { attractAndUpdate, type AttractionHelper, type AttractionState, type StepParams, type Tsne } from './tsne';

/** [0]: the job number the project worker asks for (−1: stop), [1]: the last job the helper finished */
const GO = 0;
const DONE = 1;
const PARAMS = 10;
/** params[7]: what to do */
const ATTRACT = 1;
const CONVOLVE = 2;

export interface HelperChannel {
  control: Int32Array;
  /** exaggeration, momentum, learning rate, z, withKl, split, n, job kind, grid version, m */
  params: Float64Array;
}

/** A new grid for the helper (posted when the FFT grid grows; the helper reads it when a job names its version). */
export interface GridMessage {
  version: number;
  job: GridJob;
}

export function createChannel(): HelperChannel {
  return { control: new Int32Array(new SharedArrayBuffer(8)), params: new Float64Array(new SharedArrayBuffer(8 * PARAMS)) };
}

/** The project worker's end. */
export class SharedAttractionHelper implements AttractionHelper {
  private generation = 0;
  private gridVersion = 0;
  private sentGrid?: Float64Array;

  constructor(
    private readonly channel: HelperChannel,
    private readonly post: (message: GridMessage) => void,
  ) {}

  start(params: StepParams, split: number, n: number): void {
    this.channel.params.set([params.exaggeration, params.momentum, params.learningRate, params.z, params.withKl ? 1 : 0, split, n, ATTRACT]);
    this.go();
  }

  startConvolution(job: GridJob): void {
    if (job.re !== this.sentGrid) {
      // The grid grew: its new shared arrays go by message, which the helper waits for when it sees the version.
      this.sentGrid = job.re;
      this.post({ version: ++this.gridVersion, job });
    }
    const p = this.channel.params;
    p[7] = CONVOLVE;
    p[8] = this.gridVersion;
    p[9] = job.m;
    this.go();
  }

  private go() {
    this.generation++;
    Atomics.store(this.channel.control, GO, this.generation);
    Atomics.notify(this.channel.control, GO);
  }

  wait(): void {
    const { control } = this.channel;
    for (;;) {
      const done = Atomics.load(control, DONE);
      if (done === this.generation) return;
      Atomics.wait(control, DONE, done);
    }
  }

  stop(): void {
    Atomics.store(this.channel.control, GO, -1);
    Atomics.notify(this.channel.control, GO);
  }
}

/**
 * The helper's loop: one job per request, until stopped. Blocks its thread on Atomics.wait between jobs, except
 * when a job needs a grid it has not received yet: then it awaits `nextGrid()` (the message is already posted).
 */
export async function serveHelper(channel: HelperChannel, state: AttractionState, nextGrid: () => Promise<GridMessage>): Promise<void> {
  const { control, params: p } = channel;
  let seen = 0;
  let grid: GridMessage | undefined;
  let fft: Fft | undefined;
  for (;;) {
    Atomics.wait(control, GO, seen);
    const generation = Atomics.load(control, GO);
    if (generation < 0) return;
    if (generation === seen) continue;
    seen = generation;
    if (p[7] === CONVOLVE) {
      while (grid?.version !== p[8]) grid = await nextGrid();
      if (fft?.n !== grid.job.size) fft = new Fft(grid.job.size);
      convolveGrid(fft, { ...grid.job, m: p[9] });
    } else {
      const step: StepParams = { exaggeration: p[0], momentum: p[1], learningRate: p[2], z: p[3], withKl: p[4] === 1 };
      attractAndUpdate(state, p[5], p[6], step, 1);
    }
    Atomics.store(control, DONE, generation);
    Atomics.notify(control, DONE);
  }
}

export interface HelperStart {
  channel: HelperChannel;
  state: AttractionState;
}

/**
 * Starts a helper worker for `tsne` when shared memory is available (the page is cross-origin isolated);
 * otherwise (or if the worker fails to start) resolves undefined and t-SNE runs on one thread. `stop` ends it.
 */
export async function startAttractionHelper(tsne: Tsne): Promise<{ stop(): void } | undefined> {
  if (typeof SharedArrayBuffer === 'undefined' || !globalThis.crossOriginIsolated || typeof Worker === 'undefined') return undefined;
  const worker = new Worker(new URL('../../workers/tsneHelper.worker.ts', import.meta.url), { type: 'module', name: 'tsne-helper' });
  const channel = createChannel();
  const state = tsne.shareState();
  const ready = await new Promise<boolean>((resolve) => {
    worker.onmessage = () => resolve(true);
    worker.onerror = () => resolve(false);
    worker.postMessage({ channel, state } satisfies HelperStart);
  });
  if (!ready) {
    worker.terminate();
    return undefined;
  }
  const helper = new SharedAttractionHelper(channel, (message) => worker.postMessage(message));
  tsne.useHelper(helper);
  return {
    stop() {
      tsne.useHelper(undefined);
      helper.stop();
      worker.terminate();
    },
  };
}
