/**
 * A helper thread of the MLP kernel: instantiates the kernel on the trainer's shared memory and claims chunks
 * of every parallel operation until told to stop (src/train/kernel/pool.ts). Started by the train worker.
 */
import { instantiateKernel } from './kernelModule';
import { helperLoop } from './pool';

self.onmessage = (event: MessageEvent<{ module: WebAssembly.Module; memory: WebAssembly.Memory; control: number }>) => {
  const { module, memory, control } = event.data;
  const kernel = instantiateKernel(module, memory);
  helperLoop(kernel, memory, control, () => self.postMessage('ready'));
};
