import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileKernel, kernelModuleSource } from './kernelCompile';

describe('MLP kernel build', () => {
  it('the committed kernelWasm.ts is what `npm run kernel` makes from kernel.ts', async () => {
    const committed = readFileSync(new URL('../src/train/kernel/kernelWasm.ts', import.meta.url), 'utf8');
    const [simd, relaxed] = await Promise.all([compileKernel(false), compileKernel(true)]);
    expect(committed === kernelModuleSource(simd, relaxed), 'src/train/kernel/kernelWasm.ts is stale: run npm run kernel').toBe(true);
  });
});
