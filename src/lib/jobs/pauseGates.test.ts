import { describe, expect, it } from 'vitest';
import { PauseGates } from './pauseGates';

const settledFlag = (promise: Promise<void>) => {
  const state = { settled: false };
  void promise.then(() => (state.settled = true));
  return state;
};
const flush = () => new Promise<void>((resolve) => queueMicrotask(resolve)).then(() => undefined);

describe('PauseGates', () => {
  it('pauses one job and leaves another running', async () => {
    const gates = new PauseGates();
    const a = gates.gate('a');
    const b = gates.gate('b');
    gates.setPaused('a', true);
    const waitingA = settledFlag(a());
    const waitingB = settledFlag(b());
    await flush();
    expect(waitingA.settled).toBe(false);
    expect(waitingB.settled).toBe(true);
    gates.setPaused('a', false);
    await flush();
    expect(waitingA.settled).toBe(true);
  });

  it('keeps a pause sent before the job started, and an abort wakes a paused job', async () => {
    const gates = new PauseGates();
    gates.setPaused('late', true);
    const controller = new AbortController();
    const waiting = settledFlag(gates.gate('late', controller.signal)());
    await flush();
    expect(waiting.settled).toBe(false);
    controller.abort();
    await flush();
    expect(waiting.settled).toBe(true);
    gates.release('late');
    expect(gates.size).toBe(0);
  });
});
