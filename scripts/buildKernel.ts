/**
 * `npm run kernel`: compiles the MLP training kernel (src/train/kernel/assembly/kernel.ts, AssemblyScript) twice,
 * with plain SIMD and with relaxed SIMD, and writes both modules into src/train/kernel/kernelWasm.ts (base64, so
 * the browser bundle, the workers and the Node tests load them the same way without a fetch). The generated file is
 * committed: `npm ci && npm test` needs no compile step; kernelWasm.test.ts fails when it is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileKernel, kernelModuleSource } from './kernelCompile';

const out = fileURLToPath(new URL('../src/train/kernel/kernelWasm.ts', import.meta.url));
const [simd, relaxed] = await Promise.all([compileKernel(false), compileKernel(true)]);
writeFileSync(out, kernelModuleSource(simd, relaxed));
console.log(`Wrote ${out} (SIMD ${simd.length} bytes, relaxed SIMD ${relaxed.length} bytes)`);

