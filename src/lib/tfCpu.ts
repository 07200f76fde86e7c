/**
 * TensorFlow.js off the GPU, one way for every worker that runs it (train, embed, classify): the WASM backend (SIMD,
 * one thread) from the app's own copy of its files, else the plain CPU backend.
 *
 * The WASM files are Vite assets (`?url` imports), which only a worker entry can import: a plain Node process (the
 * command line, the benchmarks) cannot load them, so the entry hands them in with `provideTfWasmFiles` and a process
 * that provided none uses the CPU backend. TensorFlow.js itself is imported on first use, so a module that imports
 * this one (the train worker) does not load it for jobs that never need it.
 */
export interface TfWasmFiles {
  plain: string;
  simd: string;
}

let wasmFiles: TfWasmFiles | undefined;

/** Called once by a worker entry with its asset URLs of tfjs-backend-wasm's two builds. */
export function provideTfWasmFiles(files: TfWasmFiles): void {
  wasmFiles = files;
}

/** Sets TensorFlow.js on WASM if this process provided its files and it starts, else on CPU; returns the name. */
export async function setTfCpuBackend(): Promise<'wasm' | 'cpu'> {
  const tf = await import('@tensorflow/tfjs');
  if (wasmFiles) {
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmFiles.plain, 'tfjs-backend-wasm-simd.wasm': wasmFiles.simd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmFiles.simd });
    // The threaded build starts its threads with importScripts from the worker's URL, which a module worker cannot
    // serve: it crashes the worker. SIMD on one thread is what works from a module worker.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    if (await tf.setBackend('wasm').catch(() => false)) return 'wasm';
  }
  await tf.setBackend('cpu');
  return 'cpu';
}
