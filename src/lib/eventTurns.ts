/**
 * Long loops in a worker must give the event loop a turn now and then: cancel and pause arrive as messages, and a
 * loop that never yields never sees them. Yielding by elapsed time, not by iteration count, keeps that true whether
 * an iteration takes a microsecond (an epoch of a small set on the WASM kernel) or a second.
 */
export const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** A function to call in the loop: it yields once at least `everyMs` have passed since its last turn. */
export function eventTurns(everyMs = 20, now: () => number = () => performance.now()): () => Promise<void> {
  let last = now();
  return async () => {
    if (now() - last < everyMs) return;
    await yieldToEvents();
    last = now();
  };
}
