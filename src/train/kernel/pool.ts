/**
 * How the trainer's thread and its helper threads share one kernel call. The calling thread writes the operation
 * and its arguments into a control block in the shared WASM memory, bumps a generation counter and wakes the
 * helpers (Atomics.notify); every thread, the caller included, computes its own part, and the caller waits until
 * the helpers have counted themselves done. Parts are disjoint row ranges (multiples of 4, the kernel's row
 * block) of the output, so each output element is computed by exactly one thread in the same order whatever the
 * number of threads: the results do not depend on it.
 */
import type { KernelExports } from './kernelModule';

export const OP_MATMUL = 1;
export const OP_ADAM = 2;
export const OP_STOP = 3;
/** A weight gradient (a matmul by rows of W) then Adam on the same rows of W: one wake-up for both. */
export const OP_MATMUL_ADAM = 4;

/** Control block layout (int32 slots from its start): generation, done, op, parts, then arguments. */
const GENERATION = 0;
const DONE = 1;
const OP = 2;
const PARTS = 3;
const ARGS = 4;
export const CONTROL_BYTES = 256;

/** The [start, end) of `part` of `parts` over [from, to), cut at multiples of 4 from `from`. */
export function partOf(from: number, to: number, part: number, parts: number): [number, number] {
  const blocks = Math.ceil((to - from) / 4);
  const start = from + 4 * Math.floor((blocks * part) / parts);
  const end = Math.min(to, from + 4 * Math.floor((blocks * (part + 1)) / parts));
  return [start, end];
}

/** Runs this thread's part of the operation in the control block at `control` (a byte offset). */
export function runPart(kernel: KernelExports, memory: WebAssembly.Memory, control: number, part: number): void {
  const i32 = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
  const f32 = new Float32Array(memory.buffer, control, CONTROL_BYTES / 4);
  const parts = i32[PARTS];
  const a = ARGS;
  switch (i32[OP]) {
    case OP_MATMUL: {
      const [m0, m1] = partOf(i32[a + 7], i32[a + 8], part, parts);
      // Each part packs B's strips into its own scratch: a + 13 is part 0's, a + 14 the stride between parts (0: none).
      const pack = i32[a + 13] && i32[a + 13] + part * i32[a + 14];
      if (m1 > m0) kernel.matmul(i32[a], i32[a + 1], i32[a + 2], i32[a + 3], i32[a + 4], i32[a + 5], i32[a + 6], m0, m1, i32[a + 9], i32[a + 10], i32[a + 11], i32[a + 12], pack);
      break;
    }
    case OP_MATMUL_ADAM: {
      const [m0, m1] = partOf(i32[a + 7], i32[a + 8], part, parts);
      const pack = i32[a + 13] && i32[a + 13] + part * i32[a + 14];
      if (m1 <= m0) break;
      kernel.matmul(i32[a], i32[a + 1], i32[a + 2], i32[a + 3], i32[a + 4], i32[a + 5], i32[a + 6], m0, m1, i32[a + 9], i32[a + 10], i32[a + 11], i32[a + 12], pack);
      // Adam arguments follow at a + 15: w, m, v (the gradient is the matmul's C, rows of n), then 7 floats.
      const n = i32[a + 9];
      const b = a + 15;
      kernel.adam(i32[b], i32[a + 5], i32[b + 1], i32[b + 2], m0 * n, m1 * n, f32[b + 3], f32[b + 4], f32[b + 5], f32[b + 6], f32[b + 7], f32[b + 8], f32[b + 9]);
      break;
    }
    case OP_ADAM: {
      const [from, to] = partOf(i32[a + 4], i32[a + 5], part, parts);
      if (to > from) kernel.adam(i32[a], i32[a + 1], i32[a + 2], i32[a + 3], from, to, f32[a + 6], f32[a + 7], f32[a + 8], f32[a + 9], f32[a + 10], f32[a + 11], f32[a + 12]);
      break;
    }
  }
}

/** A helper thread's life: wait for a new generation, run its part, count itself done; until OP_STOP. */
export function helperLoop(kernel: KernelExports, memory: WebAssembly.Memory, control: number, part: number, ready: () => void): void {
  const i32 = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
  let seen = Atomics.load(i32, GENERATION);
  ready();
  for (;;) {
    Atomics.wait(i32, GENERATION, seen);
    seen = Atomics.load(i32, GENERATION);
    if (i32[OP] === OP_STOP) return;
    if (part < i32[PARTS]) runPart(kernel, memory, control, part);
    Atomics.add(i32, DONE, 1);
    Atomics.notify(i32, DONE);
  }
}

/** Where the operations run: on this thread alone, as `parts` parts one after another, or on real helper threads. */
export interface PartRunner {
  /** threads computing parts (1 = the calling thread alone) */
  readonly parts: number;
  /** runs the operation written in the control block on all parts; returns when every part is done */
  run(): void;
  dispose(): void;
}

/**
 * Runs the parts one after another on the calling thread: the same cuts as `parts` threads would make, so the
 * tests can check that the results do not depend on the number of threads without starting any.
 */
export function sequentialRunner(kernel: KernelExports, memory: WebAssembly.Memory, control: number, parts: number): PartRunner {
  return {
    parts,
    run() {
      for (let part = 0; part < parts; part++) runPart(kernel, memory, control, part);
    },
    dispose() {},
  };
}

/** Runs part 0 here and parts 1.. on helper threads (already in helperLoop with the same control block). */
export function threadedRunner(kernel: KernelExports, memory: WebAssembly.Memory, control: number, helpers: number, stop: () => void): PartRunner {
  const i32 = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
  return {
    parts: helpers + 1,
    run() {
      Atomics.store(i32, DONE, 0);
      Atomics.add(i32, GENERATION, 1);
      Atomics.notify(i32, GENERATION);
      runPart(kernel, memory, control, 0);
      for (let done = Atomics.load(i32, DONE); done < helpers; done = Atomics.load(i32, DONE)) Atomics.wait(i32, DONE, done);
    },
    dispose() {
      i32[OP] = OP_STOP;
      Atomics.add(i32, GENERATION, 1);
      Atomics.notify(i32, GENERATION);
      stop();
    },
  };
}

/** Writes an operation and its arguments (int32, or float32 where `floatFrom` <= index) into the control block. */
export function writeOperation(memory: WebAssembly.Memory, control: number, op: number, parts: number, args: number[], floatFrom = args.length): void {
  const i32 = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
  const f32 = new Float32Array(memory.buffer, control, CONTROL_BYTES / 4);
  i32[OP] = op;
  i32[PARTS] = parts;
  args.forEach((v, k) => (k < floatFrom ? (i32[ARGS + k] = v) : (f32[ARGS + k] = v)));
}
