/**
 * The MLP kernel's host side: one shared WebAssembly.Memory that holds everything (data, weights, activations,
 * gradients, Adam moments), a bump allocator over it, and the threads that split the large operations. It is also
 * the reusable matmul / softmax API for other trainers (the linear probe): allocate, write, call, read.
 */
import { ACTIVATION_CODE, availableFlavours, compileKernel, instantiateKernel, type KernelExports, type KernelFlavour } from './kernelModule';
import { CONTROL_BYTES, OP_ADAM, OP_MATMUL, OP_WEIGHT_GRADIENT_T, sequentialRunner, SPLIT_COLUMNS, SPLIT_ROWS, threadedRunner, writeOperation, type PartRunner } from './pool';

const PAGE = 65536;
/** Static data of the module lives below this; the control block and the heap start here. */
const HEAP_START = PAGE;
/** The module declares a shared memory of at most this many pages (2 GiB). */
const MAX_PAGES = 32768;
/** Below this many multiply-adds (about 0.1 ms) an operation is not worth waking the helper threads. */
const PARALLEL_WORK = 1 << 21;
/** Below this many parameters an Adam step is not worth waking them either. */
const PARALLEL_ADAM = 1 << 16;
/** Rows of B packed at a time (K_CHUNK in assembly/kernel.ts), 8 floats each, in each chunk's own slot. */
const PACK_ROWS = 512;
const PACK_SLOT_BYTES = PACK_ROWS * 8 * 4;
/** Chunks per thread of a parallel operation: enough for a thread to take over a slow one's share. */
const CHUNKS_PER_THREAD = 4;

/** Adam's step size, decay rates and ε; corr1 = 1 - β1^t, corr2 = 1 - β2^t; l2x2 = 2 · the L2 coefficient. */
export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  corr1: number;
  corr2: number;
  l2x2: number;
}

export interface KernelOptions {
  /** default: the best this runtime validates */
  flavour?: KernelFlavour;
  /** threads computing the large operations, this one included (default: hardware threads, at most 4) */
  threads?: number;
  /**
   * Where the helper threads come from: a function starting one (the browser's module Worker by default). When it
   * is null, the parts run one after another on this thread: the same cuts, for tests.
   */
  startHelper?: (() => Worker) | null;
  /** multiply-adds from which an operation is split across the threads (tests set 0 to split everything) */
  parallelWork?: number;
}

export const MAX_THREADS = 4;

export const defaultThreads = () => Math.max(1, Math.min(MAX_THREADS, (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 1));

const browserHelper = () => new Worker(new URL('./kernelThread.worker.ts', import.meta.url), { type: 'module', name: 'mlp-kernel' });

const canStartWorkers = () => typeof Worker !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;

export class Kernel {
  private top = HEAP_START + CONTROL_BYTES;
  /** each thread's scratch for packing B (see matmul in assembly/kernel.ts) */
  private readonly packBase: number;

  private constructor(
    readonly flavour: KernelFlavour,
    readonly exports: KernelExports,
    readonly memory: WebAssembly.Memory,
    private readonly runner: PartRunner,
    /** whether the parts run on real threads */
    readonly threaded: boolean,
    private readonly parallelWork: number,
  ) {
    this.packBase = this.alloc((PACK_SLOT_BYTES / 4) * CHUNKS_PER_THREAD * MAX_THREADS);
  }

  /** Null where this runtime has no WASM SIMD or no SharedArrayBuffer. */
  static async create(options: KernelOptions = {}): Promise<Kernel | null> {
    const flavour = options.flavour ?? availableFlavours()[0];
    if (!flavour || !availableFlavours().includes(flavour)) return null;
    const module = await compileKernel(flavour);
    const memory = new WebAssembly.Memory({ initial: 4, maximum: MAX_PAGES, shared: true });
    const exports = instantiateKernel(module, memory);
    const parallelWork = options.parallelWork ?? PARALLEL_WORK;
    const threads = Math.max(1, Math.min(MAX_THREADS, options.threads ?? defaultThreads()));
    const startHelper = options.startHelper === undefined ? (canStartWorkers() ? browserHelper : null) : options.startHelper;
    if (threads === 1 || startHelper === null) return new Kernel(flavour, exports, memory, sequentialRunner(exports, memory, HEAP_START, threads), false, parallelWork);
    const helpers: Worker[] = [];
    try {
      for (let part = 1; part < threads; part++) {
        const worker = startHelper();
        helpers.push(worker);
        await new Promise<void>((resolve, reject) => {
          worker.onmessage = () => resolve();
          worker.onerror = (e) => reject(new Error(`MLP kernel thread failed to start: ${e.message}`));
          worker.postMessage({ module, memory, control: HEAP_START });
        });
      }
    } catch {
      // No helper threads (a blocked worker script, say): the same results on this thread alone.
      helpers.forEach((w) => w.terminate());
      return new Kernel(flavour, exports, memory, sequentialRunner(exports, memory, HEAP_START, 1), false, parallelWork);
    }
    const runner = threadedRunner(exports, memory, HEAP_START, helpers.length, () => helpers.forEach((w) => w.terminate()));
    return new Kernel(flavour, exports, memory, runner, true, parallelWork);
  }

  get threads(): number {
    return this.runner.parts;
  }

  /** 0: all the threads; 1: this one alone (see threadChoice.ts). Either way the results are the same bits. */
  private activeThreads = 0;

  /** Runs the next operations on `count` threads: all of them, or this one alone (1). */
  useThreads(count: number): void {
    this.activeThreads = count >= this.runner.parts ? 0 : 1;
  }

  /** Whether an operation is to run on this thread alone, whatever its size. */
  private get alone(): boolean {
    return this.runner.parts === 1 || this.activeThreads === 1;
  }

  /** What the status bar and the run say: e.g. "wasm-kernel (relaxed SIMD, 2 threads)". */
  describe(): string {
    const simd = this.flavour === 'relaxed-simd' ? 'relaxed SIMD' : 'SIMD';
    return `wasm-kernel (${simd}, ${this.threads} thread${this.threads === 1 ? '' : 's'}${this.threaded || this.threads === 1 ? '' : ' in turn'})`;
  }

  /** Reserves `count` float32 (or uint32) slots, 64-byte aligned; returns the byte offset. */
  alloc(count: number): number {
    const at = this.top;
    this.top = Math.ceil((at + count * 4) / 64) * 64;
    const needed = Math.ceil(this.top / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (needed > 0) {
      if (this.top > MAX_PAGES * PAGE) throw new Error(`The MLP kernel needs ${(this.top / 2 ** 30).toFixed(1)} GiB, more than its 2 GiB memory`);
      this.memory.grow(needed);
    }
    return at;
  }

  /** The allocation mark, to free everything allocated after it with release(). */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  /** A view of `count` floats at `ptr` (views go stale when the memory grows: take them after allocating). */
  f32(ptr: number, count: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, count);
  }

  u32(ptr: number, count: number): Uint32Array {
    return new Uint32Array(this.memory.buffer, ptr, count);
  }

  /**
   * C = act(A · B + bias) for A [m, k] (or Aᵀ when `transposeA`: A is then stored [k, m]), B [k, n], C [m, n];
   * split across the threads when large enough: by column strips of C when it is wider than tall (a batch's
   * forward pass: 128 rows by 512 units), so that each strip of B is packed once, not once per chunk of rows;
   * by rows otherwise.
   */
  matmul(a: number, b: number, c: number, m: number, n: number, k: number, options: { transposeA?: boolean; transposeB?: boolean; bias?: number; activation?: keyof typeof ACTIVATION_CODE } = {}): void {
    const [aRow, aStep] = options.transposeA ? [1, m] : [k, 1];
    // Bᵀ given: B is stored [n, k] (a weight matrix kept [units, inputs]); its strips are packed by transposing.
    const [ldb, bT] = options.transposeB ? [k, 1] : [n, 0];
    const act = ACTIVATION_CODE[options.activation ?? 'linear'];
    if (this.alone || m * n * k < this.parallelWork || m < 8) {
      this.exports.matmul(a, aRow, aStep, b, ldb, c, n, 0, m, n, k, options.bias ?? 0, act, this.packBase, 0, n, bT);
      return;
    }
    const byColumns = n > m && n >= 16;
    const chunks = byColumns ? Math.max(1, Math.min(CHUNKS_PER_THREAD * this.runner.parts, Math.ceil(n / 16))) : this.chunks(m);
    writeOperation(this.memory, HEAP_START, OP_MATMUL, chunks, [a, aRow, aStep, b, ldb, c, n, 0, m, n, k, options.bias ?? 0, act, this.packBase, PACK_SLOT_BYTES, byColumns ? SPLIT_COLUMNS : SPLIT_ROWS, bT]);
    this.runner.run();
  }

  /** Floats of scratch weightGradientT needs for batches of `rows` rows (every chunk its own). */
  static weightGradientScratch(rows: number): number {
    return 2 * rows * CHUNKS_PER_THREAD * MAX_THREADS;
  }

  /**
   * The weight gradient of a layer stored transposed, Gt [n, m] = Dᵀ · A (A its input [rows, m], D the gradient at
   * its pre-activation [rows, n]), skipping D's zeros (see weightGradientT in assembly/kernel.ts); with `adam`, one
   * Adam step on Wt [n, m] from it. Each thread takes whole units (rows of Gt and Wt): one wake-up for both.
   * `scratch`: weightGradientScratch(rows) floats.
   */
  weightGradientT(a: number, d: number, gt: number, rows: number, m: number, n: number, scratch: number, adam?: { w: number; m: number; v: number; h: AdamHyper }): void {
    if (this.alone || m * n * rows < this.parallelWork || n < 8) {
      this.exports.weightGradientT(a, m, d, n, rows, 0, n, gt, scratch);
      if (adam) this.adam(adam.w, gt, adam.m, adam.v, m * n, adam.h);
      return;
    }
    const h = adam?.h;
    const args = [a, m, d, n, rows, gt, scratch, 8 * rows, adam ? 1 : 0, adam?.w ?? 0, adam?.m ?? 0, adam?.v ?? 0, h?.lr ?? 0, h?.beta1 ?? 0, h?.beta2 ?? 0, h?.epsilon ?? 0, h?.corr1 ?? 0, h?.corr2 ?? 0, h?.l2x2 ?? 0];
    writeOperation(this.memory, HEAP_START, OP_WEIGHT_GRADIENT_T, this.chunks(n), args, 12);
    this.runner.run();
  }

  /** Chunks of a parallel operation over `rows` rows: CHUNKS_PER_THREAD a thread, of 16 rows at least. */
  private chunks(rows: number): number {
    return Math.max(1, Math.min(CHUNKS_PER_THREAD * this.runner.parts, Math.ceil(rows / 16)));
  }

  /** One Adam step over `count` parameters (see adam in kernel.ts), split across the threads when large enough. */
  adam(w: number, g: number, m: number, v: number, count: number, h: AdamHyper): void {
    const floats = [h.lr, h.beta1, h.beta2, h.epsilon, h.corr1, h.corr2, h.l2x2];
    if (this.alone || count < Math.min(PARALLEL_ADAM, this.parallelWork)) {
      this.exports.adam(w, g, m, v, 0, count, ...(floats as [number, number, number, number, number, number, number]));
      return;
    }
    writeOperation(this.memory, HEAP_START, OP_ADAM, this.chunks(count), [w, g, m, v, 0, count, ...floats], 6);
    this.runner.run();
  }

  /** Row-wise softmax of z [rows, classes] into p; see softmaxCrossEntropy in kernel.ts for the loss and gradient. */
  softmaxCrossEntropy(z: number, rows: number, classes: number, labels: number, weights: number, p: number, dz: number, scale: number): { lossSum: number; correct: number } {
    const out = this.scratch();
    this.exports.softmaxCrossEntropy(z, rows, classes, labels, weights, p, dz, scale, out);
    const result = new Float64Array(this.memory.buffer, out, 2);
    return { lossSum: result[0], correct: result[1] };
  }

  private scratchPtr = 0;

  private scratch(): number {
    // 16 bytes just above the control block, never released.
    if (!this.scratchPtr) this.scratchPtr = HEAP_START + CONTROL_BYTES - 16;
    return this.scratchPtr;
  }

  dispose(): void {
    this.runner.dispose();
  }
}

let shared: Promise<Kernel | null> | undefined;

/**
 * The kernel of this thread (a worker trains one model at a time on it; its memory is reused from run to run),
 * or null where the runtime has no WASM SIMD or no SharedArrayBuffer.
 */
export function sharedKernel(): Promise<Kernel | null> {
  shared ??= Kernel.create();
  return shared;
}
