/**
 * A second thread for t-SNE's attraction and update: the project worker keeps the points [0, split), a helper
 * worker takes [split, n), both on the SharedArrayBuffers of Tsne.shareState(). They meet through a small shared
 * control block with Atomics (the project worker may block on Atomics.wait; the helper blocks between steps), so
 * a step costs no message round trip. Each point is computed by exactly one thread with the same arithmetic, so
 * the map is the same bit for bit with one thread or two.
 */
import { attractAndUpdate, type AttractionHelper, type AttractionState, type StepParams, type Tsne } from './tsne';

/** [0]: the step number the project worker asks for (−1: stop), [1]: the last step the helper finished */
const GO = 0;
const DONE = 1;
const PARAMS = 8;

export interface HelperChannel {
  control: Int32Array;
  /** exaggeration, momentum, learning rate, z, withKl, split, n */
  params: Float64Array;
}

export function createChannel(): HelperChannel {
  return { control: new Int32Array(new SharedArrayBuffer(8)), params: new Float64Array(new SharedArrayBuffer(8 * PARAMS)) };
}

/** The project worker's end. */
export class SharedAttractionHelper implements AttractionHelper {
  private generation = 0;

  constructor(private readonly channel: HelperChannel) {}

  start(params: StepParams, split: number, n: number): void {
    const { control, params: p } = this.channel;
    p.set([params.exaggeration, params.momentum, params.learningRate, params.z, params.withKl ? 1 : 0, split, n]);
    this.generation++;
    Atomics.store(control, GO, this.generation);
    Atomics.notify(control, GO);
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

/** The helper's loop: one range of attractAndUpdate per step asked for, until stopped. Blocks its thread. */
export function serveAttraction(channel: HelperChannel, state: AttractionState): void {
  const { control, params: p } = channel;
  let seen = 0;
  for (;;) {
    Atomics.wait(control, GO, seen);
    const generation = Atomics.load(control, GO);
    if (generation < 0) return;
    if (generation === seen) continue;
    seen = generation;
    const step: StepParams = { exaggeration: p[0], momentum: p[1], learningRate: p[2], z: p[3], withKl: p[4] === 1 };
    attractAndUpdate(state, p[5], p[6], step, 1);
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
  const helper = new SharedAttractionHelper(channel);
  tsne.useHelper(helper);
  return {
    stop() {
      tsne.useHelper(undefined);
      helper.stop();
      worker.terminate();
    },
  };
}
