/**
 * `npm run test:e2e`: builds the app once, then runs every e2e/*.e2e.ts file with Node's test runner, one file at a
 * time (each starts its own preview server and Chromium; two cores do not run two browsers well).
 * `npm run test:soak` runs e2e/*.soak.ts instead: the long runs on the full FER2013, kept out of `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { build } from 'vite';
import { CHROMIUM } from './harness';

if (!existsSync(CHROMIUM)) {
  console.error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (or set CHROMIUM_PATH).`);
  process.exit(1);
}
if (!existsSync('models/tiny/onnx/vision_model.onnx')) {
  console.error('The tiny test model is missing: run `npm run models -- tiny` first.');
  process.exit(1);
}

await build({ logLevel: 'warn' });
const soak = process.argv.includes('--soak');
const only = process.argv.slice(2).filter((a) => a !== '--soak');
const files = readdirSync('e2e')
  .filter((f) => f.endsWith(soak ? '.soak.ts' : '.e2e.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .map((f) => `e2e/${f}`);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
