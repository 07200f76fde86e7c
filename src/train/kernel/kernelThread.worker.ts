/**
 * A helper thread of the MLP kernel: instantiates the kernel on the trainer's shared memory and computes its part
 * of every parallel operation until told to stop (src/train/kernel/pool.ts). Started by the train worker.
 */
import { instantiateKernel } from './kernelModule';
import { helperLoop } from './pool';

self.onmessage = (event: MessageEvent<{ module: WebAssembly.Module; memory: WebAssembly.Memory; control: number; part: number }>) => {
  const { module, memory, control, part } = event.data;
  const kernel = instantiateKernel(module, memory);
  helperLoop(kernel, memory, control, part, () => self.postMessage('ready'));
};
