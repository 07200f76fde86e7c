/**
 * Long loops in a worker must give the event loop a turn now and then: cancel and pause arrive as messages, and a
 * loop that never yields never sees them. Yielding by elapsed time, not by iteration count, keeps that true whether
 * an iteration takes a microsecond (an epoch of a small set on the WASM kernel) or a second.
 */
export const yieldToEvents = (): Promise<void> => {
  if (typeof MessageChannel === 'undefined') return new Promise<void>((resolve) => setTimeout(resolve, 0));
  // A message to ourselves, not setTimeout(0): Chromium clamps a timer set from a timer's task (the loop resumes
  // in one) to 4 ms after a few levels, which cost a worker looping 20 ms between turns a fifth of its time. A
  // message is a task behind those already queued (cancel, pause) and comes back in well under a millisecond.
  const channel = new MessageChannel();
  return new Promise<void>((resolve) => {
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
};

/** A function to call in the loop: it yields once at least `everyMs` have passed since its last turn. */
export function eventTurns(everyMs = 20, now: () => number = () => performance.now()): () => Promise<void> {
  let last = now();
  return async () => {
    if (now() - last < everyMs) return;
    await yieldToEvents();
    last = now();
  };
}
