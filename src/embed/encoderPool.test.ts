import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadedWithin, MAX_SESSIONS, planSessions, SessionPool, type EncoderSession } from './encoderPool';

const MB = 2 ** 20;

describe('planSessions', () => {
  it('runs one single-threaded WASM session per core for a model that fits many times', () => {
    expect(planSessions({ backend: 'wasm', cores: 2, modelBytes: 88 * MB })).toEqual({ sessions: 2, threadsEach: 1 });
    expect(planSessions({ backend: 'wasm', cores: 1, modelBytes: 88 * MB })).toEqual({ sessions: 1, threadsEach: 1 });
  });

  it('shares the cores among at most MAX_SESSIONS sessions on a many-core machine', () => {
    expect(planSessions({ backend: 'wasm', cores: 16, modelBytes: 88 * MB })).toEqual({ sessions: MAX_SESSIONS, threadsEach: 4 });
  });

  it('gives a large model fewer copies and more threads each', () => {
    // ViT-L/14 in fp32 is about 1.2 GB: one copy, all cores.
    expect(planSessions({ backend: 'wasm', cores: 8, modelBytes: 1200 * MB })).toEqual({ sessions: 1, threadsEach: 8 });
    expect(planSessions({ backend: 'wasm', cores: 8, modelBytes: 600 * MB })).toEqual({ sessions: 2, threadsEach: 4 });
  });

  it('keeps one session with the threads asked for, and honours explicit sessions', () => {
    expect(planSessions({ backend: 'wasm', cores: 2, modelBytes: 88 * MB, threads: 2 })).toEqual({ sessions: 1, threadsEach: 2 });
    expect(planSessions({ backend: 'wasm', cores: 2, modelBytes: 88 * MB, sessions: 1 })).toEqual({ sessions: 1, threadsEach: 2 });
    expect(planSessions({ backend: 'wasm', cores: 4, modelBytes: 88 * MB, sessions: 9 })).toEqual({ sessions: 4, threadsEach: 1 });
  });

  it('plans WASM sessions when WebNN is to be tried, since WASM is what it must beat', () => {
    expect(planSessions({ backend: 'webnn', cores: 2, modelBytes: 88 * MB })).toEqual({ sessions: 2, threadsEach: 1 });
  });

  it('runs one WebGPU session and keeps every core for its WASM fallback', () => {
    expect(planSessions({ backend: 'webgpu', cores: 8, modelBytes: 88 * MB })).toEqual({ sessions: 1, threadsEach: 8 });
  });
});

/**
 * A session whose batch takes `ms` turns of the event loop (not wall time, so a busy machine changes nothing) and
 * records how many batches overlap.
 */
function slowSession(ms: number, log: { running: number; peak: number; ran: string[] }, name: string): EncoderSession {
  return {
    async run(pixelValues, count) {
      log.running++;
      log.peak = Math.max(log.peak, log.running);
      log.ran.push(name);
      for (let turn = 0; turn < ms; turn++) await new Promise((r) => setImmediate(r));
      log.running--;
      return new Float32Array(count).fill(pixelValues[0]);
    },
  };
}

describe('SessionPool', () => {
  afterEach(() => void vi.useRealTimers());

  it('runs as many batches at once as it has sessions, never more, and returns each batch its own result', async () => {
    vi.useFakeTimers();
    const log = { running: 0, peak: 0, ran: [] as string[] };
    const pool = new SessionPool([slowSession(20, log, 'a'), slowSession(20, log, 'b')]);
    const pending = Promise.all([1, 2, 3, 4, 5].map((v) => pool.run(new Float32Array([v]), 1)));
    await vi.runAllTimersAsync();
    const results = await pending;
    expect(results.map((r) => r[0])).toEqual([1, 2, 3, 4, 5]);
    expect(log.peak).toBe(2);
    expect(new Set(log.ran)).toEqual(new Set(['a', 'b']));
  });

  it('adds up the time its sessions spend running batches', async () => {
    let t = 0; // a clock the session moves: each batch takes 7 ms of it
    const pool = new SessionPool([{ run: async (_pixels, count) => ((t += 7), new Float32Array(count)) }], () => t);
    for (let i = 0; i < 3; i++) await pool.run(new Float32Array(1), 1);
    expect(pool.busyMs).toBe(21);
  });

  it('frees a session whose batch failed', async () => {
    let calls = 0;
    const pool = new SessionPool([
      {
        async run(_pixels, count) {
          if (calls++ === 0) throw new Error('out of memory');
          return new Float32Array(count);
        },
      },
    ]);
    await expect(pool.run(new Float32Array(1), 1)).rejects.toThrow('out of memory');
    await expect(pool.run(new Float32Array(1), 1)).resolves.toHaveLength(1);
  });

  it('retires a session lost mid-run and runs its batch again on the others, leaving the pixels readable', async () => {
    const ran: Array<[string, number]> = [];
    const healthy = (name: string): EncoderSession => ({
      run: async (pixelValues, count) => (ran.push([name, pixelValues[0]]), new Float32Array(count).fill(pixelValues[0])),
    });
    // The copy's worker "crashes" on its second batch: from then on it is lost, as an rpc client's `crashed` is.
    let crashed: Error | undefined;
    let copyBatches = 0;
    const copy: EncoderSession = {
      async run(pixelValues, count) {
        if (++copyBatches === 2) throw (crashed = new Error('Worker crashed: out of memory'));
        ran.push(['copy', pixelValues[0]]);
        return new Float32Array(count).fill(pixelValues[0]);
      },
      get lost() {
        return crashed;
      },
    };
    const pool = new SessionPool([healthy('own'), copy]);
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((v) => pool.run(new Float32Array([v]), 1)));
    expect(results.map((r) => r[0])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(pool.lost).toBe(1);
    expect(ran.filter(([name]) => name === 'copy')).toHaveLength(1); // nothing goes to the copy after its crash
    expect(ran.map(([, v]) => v).sort()).toEqual([1, 2, 3, 4, 5, 6]); // every batch ran once to the end
  });

  it('fails a batch with what happened when every session is lost, also the batches waiting for one', async () => {
    const lostSession = (): EncoderSession => {
      let lost: Error | undefined;
      return {
        run: async () => {
          throw (lost = new Error('Worker crashed: out of memory'));
        },
        get lost() {
          return lost;
        },
      };
    };
    const pool = new SessionPool([lostSession(), lostSession()]);
    const outcomes = await Promise.allSettled([1, 2, 3].map((v) => pool.run(new Float32Array([v]), 1)));
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason.message).toMatch(/^Every encoder session stopped \(last: Worker crashed: out of memory\)\. What was embedded is kept/);
    }
    await expect(pool.run(new Float32Array(1), 1)).rejects.toThrow('Every encoder session stopped');
  });

  it('passes on an error of the batch itself (not a lost session) without retrying it', async () => {
    let calls = 0;
    const pool = new SessionPool([{ run: async () => (calls++, Promise.reject(new Error('bad pixels'))) }, { run: async () => (calls++, Promise.reject(new Error('bad pixels'))) }]);
    await expect(pool.run(new Float32Array(1), 1)).rejects.toThrow('bad pixels');
    expect(calls).toBe(1);
    expect(pool.lost).toBe(0);
  });
});

describe('loadedWithin (an encoder copy loading)', () => {
  afterEach(() => void vi.useRealTimers());

  it('says whether the load succeeded in time, and leaves no timer behind once it settles', async () => {
    vi.useFakeTimers();
    expect(await loadedWithin(Promise.resolve({ dim: 512 }), 60_000)).toBe(true);
    expect(vi.getTimerCount()).toBe(0); // the 60 s timer was cleared at once
    expect(await loadedWithin(Promise.reject(new Error('not an ONNX model')), 60_000)).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    const slow = loadedWithin(new Promise(() => {}), 60_000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await slow).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
