import { describe, expect, it } from 'vitest';
import { judgeWebnn } from './webnnTrial';

const dim = 4;
const wasm = { ms: 1000, vectors: Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]) };
const nudged = Float32Array.from([1, 0.01, 0, 0, 0, 1, 0.01, 0]); // cosine 0.99995 with wasm's rows

describe('judgeWebnn', () => {
  it('keeps WebNN when it is faster and gives the same embeddings', () => {
    const verdict = judgeWebnn(wasm, { ms: 400, vectors: nudged }, dim, false);
    expect(verdict.use).toBe(true);
    expect(verdict.speedup).toBeCloseTo(2.5);
    expect(verdict.reason).toMatch(/WebNN at 2\.50× WASM's speed, same embeddings/);
  });

  it('stays on WASM when WebNN is not clearly faster, unless WebNN was asked for', () => {
    expect(judgeWebnn(wasm, { ms: 950, vectors: nudged }, dim, false)).toMatchObject({ use: false, reason: "WebNN ran at 1.05× WASM's speed; using WASM" });
    expect(judgeWebnn(wasm, { ms: 2000, vectors: nudged }, dim, true)).toMatchObject({ use: true, speedup: 0.5 });
  });

  it('refuses WebNN when any image gets another embedding, however fast, even when asked for', () => {
    const other = Float32Array.from([1, 0, 0, 0, 0, 1, 0.2, 0]); // second image: cosine 0.98
    const verdict = judgeWebnn(wasm, { ms: 100, vectors: other }, dim, true);
    expect(verdict.use).toBe(false);
    expect(verdict.agreement).toBeCloseTo(0.9806, 3);
    expect(verdict.reason).toMatch(/WebNN gave other embeddings than WASM \(cosine 0\.98\d+\); using WASM/);
  });

  it('refuses an output of the wrong size or with NaN', () => {
    expect(judgeWebnn(wasm, { ms: 100, vectors: new Float32Array(4) }, dim, false).use).toBe(false);
    expect(judgeWebnn(wasm, { ms: 100, vectors: Float32Array.from([NaN, 0, 0, 0, 0, 1, 0, 0]) }, dim, false).use).toBe(false);
  });
});
