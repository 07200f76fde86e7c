import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { availableFlavours } from './kernelModule';

// Node 20 runs relaxed SIMD only behind a V8 flag, which NODE_OPTIONS refuses and forked test workers do not
// inherit: the kernel's and the trainer's tests run again in a Node started with the flag (thread workers share it).
describe.skipIf(availableFlavours().includes('relaxed-simd'))('the relaxed-SIMD kernel', () => {
  it('passes the kernel and trainer tests in a Node with relaxed SIMD', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const run = spawnSync(
      process.execPath,
      ['--experimental-wasm-relaxed-simd', 'node_modules/vitest/vitest.mjs', 'run', 'src/train/kernel/kernel.test.ts', 'src/train/kernel/trainer.test.ts', '--pool=threads', '--reporter=verbose'],
      { cwd: root, encoding: 'utf8', env: { ...process.env, CI: '1' } },
    );
    const output = run.stdout + run.stderr;
    expect(run.status, output).toBe(0);
    expect(output).toMatch(/MLP trainer on the WASM kernel \(relaxed-simd\).*bit-identical results/);
    expect(output).toMatch(/MLP kernel \(relaxed-simd\).*multiplies matrices/);
  }, 120_000);
});
