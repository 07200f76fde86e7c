import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventTurns } from './eventTurns';

afterEach(() => vi.useRealTimers());

describe('eventTurns', () => {
  it('yields only once the interval has passed since the last turn', async () => {
    vi.useFakeTimers();
    let clock = 0;
    const turn = eventTurns(20, () => clock);
    const macrotask = vi.fn();
    setTimeout(macrotask, 0);
    await turn(); // 0 ms: no turn, the pending macrotask stays pending
    expect(macrotask).not.toHaveBeenCalled();
    clock = 25;
    const yielded = turn();
    await vi.runAllTimersAsync();
    await yielded;
    expect(macrotask).toHaveBeenCalled();
  });
});
