/**
 * Copies ("sessions") of the vision encoder that work on different batches at once.
 *
 * On a CPU, onnxruntime-web's WASM threads help one session little: on the 2-core benchmark machine two threads ran
 * a ViT-B/32 batch 1.3× as fast as one, where onnxruntime-node gets 1.8×. Separate single-threaded sessions in
 * separate workers never wait on each other, so one session per core embeds a dataset faster (measured in
 * `npm run bench cli`). Each copy holds the whole model, so a large model gets fewer copies.
 */
import type { BackendKind } from '../lib/compute';

export interface SessionPlan {
  sessions: number;
  threadsEach: number;
}

/** Model bytes all copies together may hold (a WASM session needs about its file's size again in memory). */
export const SESSION_MEMORY_BUDGET = 1.5 * 2 ** 30;
/** More copies than this buy little and cost memory on many-core machines. */
export const MAX_SESSIONS = 4;

/**
 * How many sessions and threads each: explicit `sessions`/`threads` win; otherwise, on WASM, one session per core
 * within the memory budget and the cores shared among them (also when WebNN is to be tried: WASM is what it must
 * beat). WebGPU runs one session (one device), and keeps every core for the WASM session it falls back to.
 */
export function planSessions(o: { backend: BackendKind; cores: number; modelBytes: number; threads?: number; sessions?: number }): SessionPlan {
  const cores = Math.max(1, o.cores);
  if (o.backend === 'webgpu') return { sessions: 1, threadsEach: Math.min(o.threads ?? cores, cores) };
  if (o.sessions === undefined && o.threads !== undefined) return { sessions: 1, threadsEach: Math.min(o.threads, cores) };
  const byMemory = Math.max(1, Math.floor(SESSION_MEMORY_BUDGET / Math.max(1, o.modelBytes)));
  const sessions = Math.max(1, Math.min(o.sessions ?? Math.min(cores, byMemory, MAX_SESSIONS), cores));
  return { sessions, threadsEach: Math.min(o.threads ?? Math.max(1, Math.floor(cores / sessions)), cores) };
}

/**
 * Whether `load` succeeded within `ms`: false when it failed or took longer (the copy is then stopped by the
 * caller). The timer is cleared as soon as the load settles, so a loaded copy leaves no timer behind.
 */
export async function loadedWithin(load: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([load.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** One copy of the encoder: runs a batch of CLIP pixel values, returns its raw embeddings. */
export interface EncoderSession {
  /** Must leave `pixelValues` readable: the pool runs a batch again on another session when this one is lost. */
  run(pixelValues: Float32Array, count: number): Promise<Float32Array>;
  /** Set once the session is gone for good (its worker crashed): the pool stops using it. */
  readonly lost?: Error;
}

interface Waiter {
  resolve(index: number): void;
  reject(error: Error): void;
}

/**
 * Hands each batch to an idle session (waiting for one when all are busy) and keeps count of their busy time.
 * A session that is lost mid-run (an encode worker crashed) is retired and its batch runs again on another: copies
 * are help, so the run goes on with the sessions left and fails only when none is left. Any other error of a batch
 * (bad input, cancellation) is the batch's own and reaches the caller.
 */
export class SessionPool {
  private readonly idle: number[];
  private readonly waiting: Waiter[] = [];
  private readonly busy: number[];
  private readonly retired = new Set<number>();
  private lastLoss: Error | undefined;

  constructor(
    private readonly sessions: readonly EncoderSession[],
    private readonly now: () => number = () => performance.now(),
  ) {
    if (sessions.length === 0) throw new Error('A session pool needs at least one session');
    this.idle = sessions.map((_, i) => i);
    this.busy = sessions.map(() => 0);
  }

  /** Sessions the pool started with (the run's concurrency). */
  get size(): number {
    return this.sessions.length;
  }

  /** Sessions lost during the run and no longer used. */
  get lost(): number {
    return this.retired.size;
  }

  /** Milliseconds all sessions together have spent running batches. */
  get busyMs(): number {
    return this.busy.reduce((a, b) => a + b, 0);
  }

  async run(pixelValues: Float32Array, count: number): Promise<Float32Array> {
    for (;;) {
      const index = await this.acquire();
      const started = this.now();
      try {
        return await this.sessions[index].run(pixelValues, count);
      } catch (error) {
        const loss = this.sessions[index].lost;
        if (!loss) throw error;
        this.retire(index, loss);
        // and around again: the batch goes to a session still standing
      } finally {
        this.busy[index] += this.now() - started;
        if (!this.retired.has(index)) this.release(index);
      }
    }
  }

  private acquire(): Promise<number> {
    const index = this.idle.pop();
    if (index !== undefined) return Promise.resolve(index);
    if (this.retired.size === this.sessions.length) return Promise.reject(this.noneLeft());
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(index: number): void {
    const next = this.waiting.shift();
    if (next) next.resolve(index);
    else this.idle.push(index);
  }

  private retire(index: number, loss: Error): void {
    this.retired.add(index);
    this.lastLoss = loss;
    if (this.retired.size === this.sessions.length) for (const waiter of this.waiting.splice(0)) waiter.reject(this.noneLeft());
  }

  private noneLeft(): Error {
    return new Error(`Every encoder session stopped (last: ${this.lastLoss?.message ?? 'unknown'}). What was embedded is kept; embed again to go on.`, {
      cause: this.lastLoss,
    });
  }
}
