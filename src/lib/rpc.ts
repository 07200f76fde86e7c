/**
 * The one RPC layer between the page and its workers, built on Comlink.
 *
 * A worker exposes an object of jobs: `async (input, ctx) => output`. The page gets a typed client whose methods
 * take `(input, { signal, onProgress })`. Comlink carries the call, the result and thrown errors; this layer adds
 * what every long job needs and Comlink leaves out:
 * - cancellation: each call gets its own MessagePort; aborting the caller's AbortSignal posts on it and the job's
 *   `ctx.signal` aborts (a port, not a shared flag, so it works without cross-origin isolation);
 * - progress: `ctx.progress(p)` reaches `onProgress(p)` on the page (fire and forget, never awaited by the job),
 *   never after the call has settled;
 * - a crashed worker (out of memory, a lost GPU device) rejects every call in flight instead of hanging forever.
 * Large results and inputs move without copies: wrap them with `transfer(value, [buffers])`.
 */
import * as Comlink from 'comlink';

export interface JobContext<P> {
  signal: AbortSignal;
  progress(update: P): void;
}

export interface JobOptions<P> {
  signal?: AbortSignal;
  onProgress?: (update: P) => void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyJob = (input: any, ctx: JobContext<any>) => Promise<unknown>;
export type WorkerApi = Record<string, AnyJob>;

export type Client<A extends WorkerApi> = {
  [K in keyof A]: A[K] extends (input: infer I, ctx: JobContext<infer P>) => Promise<infer O>
    ? (input: I, options?: JobOptions<P>) => Promise<O>
    : never;
} & {
  terminate(): void;
  /** set once the worker crashed: it was terminated, every later call fails; start a new worker to go on */
  readonly crashed?: Error;
};

/** Thrown (worker side) and rethrown (page side) when a job stops because its caller cancelled it. */
export class CancelledError extends Error {
  constructor(message = 'Cancelled') {
    super(message);
    this.name = 'AbortError';
  }
}

export function isCancelled(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/** Throws CancelledError when the job was cancelled: call it between units of work. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new CancelledError();
}

/** Marks buffers inside `value` to be moved to the other side instead of copied. */
export const transfer = Comlink.transfer;

const CANCEL = 'cancel';

type WireJob = (input: unknown, cancelPort: MessagePort, onProgress?: (update: unknown) => void) => Promise<unknown>;

/**
 * Worker side. onnxruntime-web starts its WASM threads from the worker's own script (worker names starting with
 * `em-pthread`); those copies must not answer RPC calls, or they would swallow the runtime's own messages.
 */
export function exposeApi(api: WorkerApi, endpoint: Comlink.Endpoint = self as unknown as Comlink.Endpoint): void {
  const scope = globalThis as { name?: string };
  if (typeof scope.name === 'string' && scope.name.startsWith('em-pthread')) return;
  const wire: Record<string, WireJob> = {};
  for (const [name, job] of Object.entries(api)) {
    wire[name] = async (input, cancelPort, onProgress) => {
      const controller = new AbortController();
      cancelPort.onmessage = (event) => {
        if (event.data === CANCEL) controller.abort(new CancelledError());
      };
      // The progress proxy is released when the job ends. A job may still call ctx.progress after that (a timer, a
      // batch finishing behind a failed one): Comlink would throw "Proxy has been released", an uncaught error that
      // connect() takes for a crash. So a late update is dropped here, and a failed delivery never escapes.
      let ended = false;
      const progress = (update: unknown) => {
        if (ended || !onProgress) return;
        try {
          void Promise.resolve(onProgress(update)).catch(() => {});
        } catch {
          // the page stopped listening: progress is fire and forget
        }
      };
      try {
        return await job(input, { signal: controller.signal, progress });
      } finally {
        ended = true;
        cancelPort.close();
        (onProgress as Partial<Comlink.ProxyMethods> | undefined)?.[Comlink.releaseProxy]?.();
      }
    };
  }
  Comlink.expose(wire, endpoint);
}

/** Page side: a typed client for a worker that called exposeApi. */
export function connect<A extends WorkerApi>(worker: Worker | (Comlink.Endpoint & { terminate?(): void })): Client<A> {
  const remote = Comlink.wrap<Record<string, WireJob>>(worker as Comlink.Endpoint);
  const inFlight = new Set<(error: Error) => void>();
  const failAll = (error: Error) => {
    for (const reject of [...inFlight]) reject(error);
  };
  const endpoint = worker as Partial<Worker>;
  let crashed: Error | undefined;
  endpoint.addEventListener?.('error', (event: Event) => {
    const message = (event as ErrorEvent).message || 'the worker stopped unexpectedly (out of memory?)';
    // A worker that threw outside any job is in an unknown state: it is stopped for good (no job of it goes on in
    // the background), and the section starts a new one when the user retries.
    crashed = new Error(`Worker crashed: ${message}. What it had finished is kept; try again to start a new one.`);
    failAll(crashed);
    (worker as { terminate?(): void }).terminate?.();
  });

  const client: Record<string, unknown> = {
    terminate() {
      failAll(new Error('Worker was stopped'));
      (worker as { terminate?(): void }).terminate?.();
    },
  };
  Object.defineProperty(client, 'crashed', { get: () => crashed });
  return new Proxy(client, {
    get(target, prop: string) {
      if (prop in target) return target[prop];
      if (prop === 'then') return undefined; // not a thenable: `await client` must not call the worker
      return (input: unknown, options: JobOptions<unknown> = {}) =>
        new Promise((resolve, reject) => {
          const { signal, onProgress } = options;
          if (signal?.aborted) return reject(new CancelledError());
          if (crashed) return reject(crashed);
          const channel = new MessageChannel();
          const onAbort = () => channel.port1.postMessage(CANCEL);
          signal?.addEventListener('abort', onAbort, { once: true });
          // Progress travels on its own port, so an update can arrive after the result or the error it preceded:
          // once the call has settled, late updates are dropped rather than shown over the outcome.
          let settled = false;
          const settle = () => {
            settled = true;
            signal?.removeEventListener('abort', onAbort);
            inFlight.delete(reject);
            channel.port1.close();
          };
          inFlight.add(reject);
          const job = (remote as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[prop];
          job(
            input,
            Comlink.transfer(channel.port2, [channel.port2]),
            onProgress ? Comlink.proxy((update: unknown) => void (settled || onProgress(update))) : undefined,
          ).then(
            (value) => {
              settle();
              resolve(value);
            },
            (error: unknown) => {
              settle();
              reject(error);
            },
          );
        });
    },
  }) as Client<A>;
}
