import { afterEach, describe, expect, it, vi } from 'vitest';
import { CancelledError, connect, exposeApi, isCancelled, throwIfCancelled, transfer, type JobContext } from './rpc';

// A worker is simulated with a MessageChannel: the same postMessage/structured-clone path a real Worker uses.

/** One turn of the event loop: lets messages posted on the ports be delivered (no clock involved). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The context of the last `keep` job, kept past the job's end as a timer or a late batch would keep it. */
let kept: JobContext<{ done: number }> | undefined;

const api = {
  async double(input: { values: Float32Array }) {
    const out = input.values.map((v) => v * 2);
    return transfer({ values: out }, [out.buffer]);
  },
  async count(input: { to: number }, ctx: JobContext<{ done: number }>) {
    for (let i = 1; i <= input.to; i++) {
      throwIfCancelled(ctx.signal);
      ctx.progress({ done: i });
      await nextTurn(); // a unit of work: the cancel message gets its chance to arrive
    }
    return input.to;
  },
  async fail() {
    throw new Error('bad input: not a FER2013 archive');
  },
  /** Sends its last update as it returns: the update's own port may deliver it after the result. */
  async late(_input: undefined, ctx: JobContext<{ done: number }>) {
    ctx.progress({ done: 99 });
    return 1;
  },
  async keep(_input: undefined, ctx: JobContext<{ done: number }>) {
    kept = ctx;
    return 1;
  },
};

const ports: MessagePort[] = [];
function pair() {
  const channel = new MessageChannel();
  ports.push(channel.port1, channel.port2);
  exposeApi(api, channel.port1);
  return connect<typeof api>(channel.port2);
}
afterEach(() => ports.splice(0).forEach((p) => p.close()));

describe('rpc', () => {
  it('returns results and moves transferred buffers instead of copying them', async () => {
    const client = pair();
    const result = await client.double({ values: new Float32Array([1, 2, 3]) });
    expect(Array.from(result.values)).toEqual([2, 4, 6]);
  });

  it('detaches an input buffer the caller transfers', async () => {
    const client = pair();
    const values = new Float32Array([5]);
    const pending = client.double(transfer({ values }, [values.buffer]));
    expect(values.byteLength).toBe(0);
    expect(Array.from((await pending).values)).toEqual([10]);
  });

  it('reports progress', async () => {
    const client = pair();
    const seen: number[] = [];
    await client.count({ to: 3 }, { onProgress: (p) => seen.push(p.done) });
    // Updates travel on their own port: wait until the last one has arrived.
    await vi.waitFor(() => expect(seen).toEqual([1, 2, 3]));
  });

  it('drops a progress update that arrives after the result, so it cannot overwrite the outcome', async () => {
    const client = pair();
    const seen: number[] = [];
    let delivered = 0;
    expect(await client.late(undefined, { onProgress: (p) => seen.push(p.done) })).toBe(1);
    // A later call's update, sent after the late one on the same path, marks that the late one has been delivered.
    await client.count({ to: 1 }, { onProgress: () => delivered++ });
    await vi.waitFor(() => expect(delivered).toBe(1));
    for (let i = 0; i < 10; i++) await nextTurn();
    expect(seen).toEqual([]);
  });

  it('cancels a running job through its AbortSignal', async () => {
    const client = pair();
    const controller = new AbortController();
    const seen: number[] = [];
    const pending = client.count({ to: 1000 }, {
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.done);
        if (p.done === 3) controller.abort();
      },
    });
    const error = await pending.catch((e: unknown) => e);
    expect(isCancelled(error)).toBe(true);
    expect(seen.length).toBeLessThan(50);
  });

  it('refuses to start a job whose signal is already aborted', async () => {
    const client = pair();
    const controller = new AbortController();
    controller.abort();
    await expect(client.count({ to: 1 }, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
  });

  it('rethrows worker errors with their message', async () => {
    const client = pair();
    await expect(client.fail(undefined)).rejects.toThrow('not a FER2013 archive');
  });

  it('a crashed worker fails the jobs in flight and every later call, and is terminated', async () => {
    const channel = new MessageChannel();
    ports.push(channel.port1, channel.port2);
    exposeApi(api, channel.port1);
    // A Worker-like endpoint: a port that can fire 'error' as a Worker does when it throws outside any job.
    const events = new EventTarget();
    let terminated = false;
    const endpoint = Object.assign(channel.port2, {
      addEventListener: (type: string, listener: EventListener) =>
        type === 'error' ? events.addEventListener(type, listener) : MessagePort.prototype.addEventListener.call(channel.port2, type, listener),
      terminate: () => void (terminated = true),
    });
    const client = connect<typeof api>(endpoint as unknown as MessagePort);
    const inFlight = client.count({ to: 1000 });
    events.dispatchEvent(Object.assign(new Event('error'), { message: 'out of memory' }));
    await expect(inFlight).rejects.toThrow('Worker crashed: out of memory');
    expect(terminated).toBe(true);
    expect(client.crashed?.message).toMatch(/^Worker crashed: out of memory\. What it had finished is kept; try again/);
    await expect(client.double({ values: new Float32Array([1]) })).rejects.toThrow('Worker crashed');
  });

  it('a progress call after the job ended is a silent no-op, not an uncaught "Proxy has been released"', async () => {
    const client = pair();
    const seen: number[] = [];
    expect(await client.keep(undefined, { onProgress: (p) => seen.push(p.done) })).toBe(1);
    // The job's progress proxy is released as the job ends; Comlink would now throw on any call through it.
    for (let i = 0; i < 10; i++) await nextTurn();
    expect(() => kept!.progress({ done: 1 })).not.toThrow();
    for (let i = 0; i < 10; i++) await nextTurn(); // an unhandled rejection would fail the test run here
    expect(seen).toEqual([]);
  });
});
