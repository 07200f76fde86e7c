/**
 * How the trainer's thread and its helper threads share one kernel call. The calling thread writes the operation
 * and its arguments into a control block in the shared WASM memory, cut into chunks (disjoint row ranges of the
 * output, multiples of 4 rows, the kernel's row block), and wakes the helpers (Atomics.notify). Every thread, the
 * caller included, claims chunks one at a time until none is left, and the caller waits until all are finished.
 * Claiming (rather than one fixed part per thread) keeps the caller going when a helper is slow to wake or
 * descheduled on a busy machine: it takes the helper's chunks itself. Each output element is computed by exactly
 * one thread with the same instructions in the same order whichever thread and chunk it falls in, so the results
 * do not depend on the number of threads.
 */
import type { KernelExports } from './kernelModule';

export const OP_MATMUL = 1;
export const OP_ADAM = 2;
export const OP_STOP = 3;
/** A weight gradient stored transposed, by units (see weightGradientT in kernel.ts), then Adam on the same units. */
export const OP_WEIGHT_GRADIENT_T = 5;

/**
 * Control block layout (int32 slots from its start): generation, finished chunks, op, chunks, the claim word
 * (generation's low 16 bits, then the next chunk to claim: a claim of a past operation fails), then arguments.
 */
const GENERATION = 0;
const FINISHED = 1;
const OP = 2;
const CHUNKS = 3;
const CLAIM = 4;
const ARGS = 5;
export const CONTROL_BYTES = 256;

/** The [start, end) of `part` of `parts` over [from, to), cut at multiples of `unit` (4: the row block) from `from`. */
export function partOf(from: number, to: number, part: number, parts: number, unit = 4): [number, number] {
  const blocks = Math.ceil((to - from) / unit);
  const start = from + unit * Math.floor((blocks * part) / parts);
  const end = Math.min(to, from + unit * Math.floor((blocks * (part + 1)) / parts));
  return [start, end];
}

/** OP_MATMUL's cut (argument 15): by rows of C (the default) or by its 8-column strips. */
export const SPLIT_ROWS = 0;
export const SPLIT_COLUMNS = 1;

/** Runs one chunk of the operation in the control block at `control` (a byte offset). */
function runChunk(kernel: KernelExports, memory: WebAssembly.Memory, control: number, chunk: number): void {
  const i32 = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
  const f32 = new Float32Array(memory.buffer, control, CONTROL_BYTES / 4);
  const chunks = i32[CHUNKS];
  const a = ARGS;
  switch (i32[OP]) {
    case OP_MATMUL: {
      // Each chunk packs B's strips into its own slot of the scratch at a + 13, a + 14 bytes apart (chunks run at
      // the same time on different threads).
      const pack = i32[a + 13] && i32[a + 13] + chunk * i32[a + 14];
      const n = i32[a + 9];
      if (i32[a + 15] === SPLIT_COLUMNS) {
        // A chunk is a run of 8-column strips, all rows: each strip of B is packed once in all, not once per chunk.
        const [s0, s1] = partOf(0, Math.ceil(n / 8), chunk, chunks, 1);
        if (s1 > s0) kernel.matmul(i32[a], i32[a + 1], i32[a + 2], i32[a + 3], i32[a + 4], i32[a + 5], i32[a + 6], i32[a + 7], i32[a + 8], n, i32[a + 10], i32[a + 11], i32[a + 12], pack, 8 * s0, 8 * s1, i32[a + 16]);
        break;
      }
      const [m0, m1] = partOf(i32[a + 7], i32[a + 8], chunk, chunks);
      if (m1 > m0) kernel.matmul(i32[a], i32[a + 1], i32[a + 2], i32[a + 3], i32[a + 4], i32[a + 5], i32[a + 6], m0, m1, n, i32[a + 10], i32[a + 11], i32[a + 12], pack, 0, n, i32[a + 16]);
      break;
    }
    case OP_WEIGHT_GRADIENT_T: {
      // a, m, d, n, rows, gt, scratch, scratch bytes per chunk, adam?, w, m, v, then Adam's 7 floats.
      const [j0, j1] = partOf(0, i32[a + 3], chunk, chunks);
      if (j1 <= j0) break;
      const m = i32[a + 1];
      kernel.weightGradientT(i32[a], m, i32[a + 2], i32[a + 3], i32[a + 4], j0, j1, i32[a + 5], i32[a + 6] + chunk * i32[a + 7]);
      const b = a + 9;
      if (i32[a + 8]) kernel.adam(i32[b], i32[a + 5], i32[b + 1], i32[b + 2], j0 * m, j1 * m, f32[b + 3], f32[b + 4], f32[b + 5], f32[b + 6], f32[b + 7], f32[b + 8], f32[b + 9]);
      break;
    }
    case OP_ADAM: {
      const [from, to] = partOf(i32[a + 4], i32[a + 5], chunk, chunks);
      if (to > from) kernel.adam(i32[a], i32[a + 1], i32[a + 2], i32[a + 3], from, to, f32[a + 6], f32[a + 7], f32[a + 8], f32[a + 9], f32[a + 10], f32[a + 11], f32[a + 12]);
      break;
    }
  }
}

/** Claims and runs chunks of the operation of `generation` until none is left (or the operation is over). */
function claimChunks(kernel: KernelExports, memory: WebAssembly.Memory, control: number, generation: number): void {
  const i32 = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
  const tag = generation & 0xffff;
  for (;;) {
    const claim = Atomics.load(i32, CLAIM);
    const chunk = claim & 0xffff;
    if (claim >>> 16 !== tag || chunk >= i32[CHUNKS]) return;
    // A claim that succeeds is for this operation: its arguments stay until all its chunks are finished.
    if (Atomics.compareExchange(i32, CLAIM, claim, claim + 1) !== claim) continue;
    runChunk(kernel, memory, control, chunk);
    Atomics.add(i32, FINISHED, 1);
    Atomics.notify(i32, FINISHED);
  }
}

/** A helper thread's life: wait for a new operation, claim chunks of it; until OP_STOP. */
export function helperLoop(kernel: KernelExports, memory: WebAssembly.Memory, control: number, ready: () => void): void {
  const i32 = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
  let seen = Atomics.load(i32, GENERATION);
  ready();
  for (;;) {
    Atomics.wait(i32, GENERATION, seen);
    seen = Atomics.load(i32, GENERATION);
    if (i32[OP] === OP_STOP) return;
    claimChunks(kernel, memory, control, seen);
  }
}

/** Where the operations run: on this thread alone, or with helper threads. */
export interface PartRunner {
  /** threads computing chunks (1 = the calling thread alone) */
  readonly parts: number;
  /** runs the operation written in the control block; returns when every chunk is done */
  run(): void;
  dispose(): void;
}

/** Publishes the operation (its arguments are written) under a new generation; returns it. */
function publish(i32: Int32Array): number {
  const generation = (Atomics.load(i32, GENERATION) + 1) | 0;
  Atomics.store(i32, FINISHED, 0);
  Atomics.store(i32, CLAIM, (generation & 0xffff) << 16);
  Atomics.store(i32, GENERATION, generation);
  return generation;
}

/**
 * All chunks on the calling thread: cut as for `parts` threads, so the tests can check that the results do not
 * depend on the number of threads (or on the cuts) without starting any.
 */
export function sequentialRunner(kernel: KernelExports, memory: WebAssembly.Memory, control: number, parts: number): PartRunner {
  const i32 = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
  return {
    parts,
    run: () => claimChunks(kernel, memory, control, publish(i32)),
    dispose() {},
  };
}

/** The calling thread and `helpers` helper threads (already in helperLoop on the same control block). */
export function threadedRunner(kernel: KernelExports, memory: WebAssembly.Memory, control: number, helpers: number, stop: () => void): PartRunner {
  const i32 = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
  return {
    parts: helpers + 1,
    run() {
      const generation = publish(i32);
      Atomics.notify(i32, GENERATION);
      claimChunks(kernel, memory, control, generation);
      const chunks = i32[CHUNKS];
      for (let done = Atomics.load(i32, FINISHED); done < chunks; done = Atomics.load(i32, FINISHED)) Atomics.wait(i32, FINISHED, done);
    },
    dispose() {
      i32[OP] = OP_STOP;
      Atomics.add(i32, GENERATION, 1);
      Atomics.notify(i32, GENERATION);
      stop();
    },
  };
}

/** Writes an operation in `chunks` chunks and its arguments (int32, float32 from index `floatFrom`). */
export function writeOperation(memory: WebAssembly.Memory, control: number, op: number, chunks: number, args: number[], floatFrom = args.length): void {
  const i32 = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
  const f32 = new Float32Array(memory.buffer, control, CONTROL_BYTES / 4);
  i32[OP] = op;
  i32[CHUNKS] = chunks;
  args.forEach((v, k) => (k < floatFrom ? (i32[ARGS + k] = v) : (f32[ARGS + k] = v)));
}
