/**
 * The compiled MLP kernel (src/train/kernel/assembly/kernel.ts, built by `npm run kernel`): which build this
 * runtime can run, and its exports. Pointers are byte offsets into the one memory the host lays out.
 */
import { KERNEL_RELAXED_SIMD, KERNEL_SIMD } from './kernelWasm';

export type KernelFlavour = 'relaxed-simd' | 'simd';

export interface KernelExports {
  matmul(a: number, aRow: number, aStep: number, b: number, ldb: number, c: number, ldc: number, m0: number, m1: number, n: number, k: number, bias: number, act: number, pack: number, j0: number, j1: number, bT: number): void;
  weightGradientT(a: number, m: number, d: number, n: number, rows: number, j0: number, j1: number, gt: number, scratch: number): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  columnSums(src: number, rows: number, cols: number, dst: number): void;
  gatherRows(x: number, dim: number, indices: number, count: number, out: number): void;
  dropout(src: number, out: number, mask: number, count: number, rate: number, state: number): void;
  activationGrad(da: number, mask: number, y: number, count: number, act: number, dz: number): void;
  softmaxCrossEntropy(z: number, rows: number, classes: number, labels: number, weights: number, p: number, dz: number, scale: number, out: number): void;
  sumOfSquares(w: number, count: number): number;
  adam(w: number, g: number, m: number, v: number, from: number, to: number, lr: number, beta1: number, beta2: number, epsilon: number, corr1: number, corr2: number, l2x2: number): void;
}

export const ACTIVATION_CODE = { linear: 0, relu: 1, tanh: 2 } as const;

const bytes = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
const sources: Record<KernelFlavour, Uint8Array> = { 'relaxed-simd': bytes(KERNEL_RELAXED_SIMD), simd: bytes(KERNEL_SIMD) };

/** The builds this runtime validates, best first (relaxed SIMD's fused multiply-add where the engine has it). */
export function availableFlavours(): KernelFlavour[] {
  if (typeof WebAssembly !== 'object' || typeof SharedArrayBuffer === 'undefined') return [];
  return (['relaxed-simd', 'simd'] as const).filter((f) => WebAssembly.validate(sources[f] as BufferSource));
}

export function compileKernel(flavour: KernelFlavour): Promise<WebAssembly.Module> {
  return WebAssembly.compile(sources[flavour] as BufferSource);
}

export function instantiateKernel(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort: () => {
        throw new Error('MLP kernel aborted');
      },
    },
  });
  return instance.exports as unknown as KernelExports;
}
