import { describe, expect, it } from 'vitest';
import { ThreadChoice, WINDOW_BATCHES } from './threadChoice';

/** Runs an epoch of `batches` batches whose step takes `msOn(threads)`; returns the thread counts used, in order. */
function epoch(choice: ThreadChoice, batches: number, msOn: (threads: number) => number, using: { threads: number }): number[] {
  const used: number[] = [];
  choice.startEpoch(batches);
  for (let b = 0; b < batches; b++) {
    used.push(using.threads);
    choice.record(msOn(using.threads));
  }
  return used;
}

describe('ThreadChoice', () => {
  it('measures a window on all threads and one on this thread, then keeps the faster for the epoch', () => {
    const using = { threads: 0 };
    const choice = new ThreadChoice(2, (t) => (using.threads = t));
    // A quiet machine: two threads are faster.
    const quiet = epoch(choice, 100, (t) => (t === 2 ? 1.3 : 2.2), using);
    expect(quiet.slice(0, WINDOW_BATCHES).every((t) => t === 2)).toBe(true);
    expect(quiet.slice(WINDOW_BATCHES, 2 * WINDOW_BATCHES).every((t) => t === 1)).toBe(true);
    expect(quiet.slice(2 * WINDOW_BATCHES).every((t) => t === 2)).toBe(true);
    expect(choice.chosen).toBe(2);
    // A busy machine: the hand-offs wait, one thread alone is faster; the next epoch measures again.
    const busy = epoch(choice, 100, (t) => (t === 2 ? 9 : 6), using);
    expect(busy.slice(2 * WINDOW_BATCHES).every((t) => t === 1)).toBe(true);
    expect(choice.chosen).toBe(1);
  });

  it('does not measure an epoch too short for both windows, nor with one thread', () => {
    const using = { threads: 0 };
    const choice = new ThreadChoice(2, (t) => (using.threads = t));
    expect(epoch(choice, 3 * WINDOW_BATCHES, () => 1, using).every((t) => t === 2)).toBe(true);
    const single = new ThreadChoice(1, (t) => (using.threads = t));
    expect(epoch(single, 100, () => 1, using).every((t) => t === 1)).toBe(true);
  });
});
