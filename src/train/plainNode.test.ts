import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The command line and the benchmarks run the classifiers in a plain Node process (tsx), which cannot import a
// Vite asset (`.wasm?url`): vitest can, so the MLP's tests pass here even when its module graph has one. This runs
// the MLP in such a process, as `npm run bench backbones` does (it failed there with ERR_UNKNOWN_FILE_EXTENSION).
const root = fileURLToPath(new URL('../../', import.meta.url));
const script = `
import { fitAndScore } from './src/train/classifierRun.ts';
import { mlpClassifier } from './src/train/classifiers/mlp.ts';
import { gaussianBlobs } from './src/train/gaussianBlobs.ts';
const data = gaussianBlobs(30, { dim: 6, seed: 3, spread: 6, noise: 1 });
const ctx = { signal: new AbortController().signal, gate: () => Promise.resolve(), progress: () => {} };
const { result } = await fitAndScore(mlpClassifier, data, { kind: 'raw-pixels' }, { ...mlpClassifier.defaults, hidden: [32], epochs: 200, learningRate: 0.01 }, ctx, { keep: false });
console.log(JSON.stringify({ test: result.test.accuracy, backend: result.backend }));
`;

describe('the MLP in a plain Node process', () => {
  it('trains and scores without Vite', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const { test } = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { test: number };
    // Seven well-separated blobs: chance is 14%, the MLP finds nearly all.
    expect(test).toBeGreaterThan(0.8);
  }, 120_000);
});
