import { describe, expect, it } from 'vitest';
import { Kernel } from './kernel';
import { availableFlavours, type KernelFlavour } from './kernelModule';

/** Reference product in float64: A [m, k] · B [k, n]. */
function reference(a: Float32Array, b: Float32Array, m: number, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) c[i * n + j] += a[i * k + p] * b[p * n + j];
  return c;
}

function randomArray(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 2 - 1);
}

const flavours = availableFlavours();

describe.each(flavours.map((f) => [f] as [KernelFlavour]))('MLP kernel (%s)', (flavour) => {
  it('multiplies matrices, plain and with A transposed, at sizes off the 4 × 8 blocks (partial strips, over several inner chunks too)', async () => {
    const kernel = (await Kernel.create({ flavour, threads: 1, startHelper: null }))!;
    // 1,100 inner indices: three chunks of the strip loop (K_CHUNK = 512); n = 13 ends in a partial strip.
    for (const [m, n, k] of [[13, 19, 7], [64, 7, 33], [5, 40, 128], [9, 24, 1100], [9, 13, 1100]]) {
      const a = randomArray(m * k, m);
      const b = randomArray(k * n, n);
      const pa = kernel.alloc(m * k);
      const pat = kernel.alloc(m * k);
      const pb = kernel.alloc(k * n);
      const pc = kernel.alloc(m * n);
      const pct = kernel.alloc(m * n);
      kernel.f32(pa, m * k).set(a);
      kernel.f32(pb, k * n).set(b);
      kernel.exports.transpose(pa, m, k, pat);
      kernel.matmul(pa, pb, pc, m, n, k);
      kernel.matmul(pat, pb, pct, m, n, k, { transposeA: true });
      const want = reference(a, b, m, n, k);
      const got = kernel.f32(pc, m * n);
      want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
      expect(kernel.f32(pct, m * n)).toEqual(got);
    }
    kernel.dispose();
  });

  it('builds a weight gradient transposed, skipping zero gradients, and multiplies by a B stored transposed', async () => {
    const kernel = (await Kernel.create({ flavour, threads: 1, startHelper: null }))!;
    // 37 inputs: the 24-, 8-, 4- and 1-column paths; 13 units; 20 rows, 60% of the gradients zero.
    const [rows, m, n] = [20, 37, 13];
    const a = randomArray(rows * m, 5);
    const d = randomArray(rows * n, 6).map((v, i) => ((i * 7) % 10 < 6 ? 0 : v));
    const [pa, pd, pgt, pw, pwt, pc, pct] = [rows * m, rows * n, n * m, m * n, n * m, rows * n, rows * n].map((c) => kernel.alloc(c));
    const scratch = kernel.alloc(Kernel.weightGradientScratch(rows));
    kernel.f32(pa, rows * m).set(a);
    kernel.f32(pd, rows * n).set(d);
    kernel.weightGradientT(pa, pd, pgt, rows, m, n, scratch);
    const gt = kernel.f32(pgt, n * m);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < m; i++) {
        let want = 0;
        for (let p = 0; p < rows; p++) want += d[p * n + j] * a[p * m + i];
        expect(gt[j * m + i]).toBeCloseTo(want, 4);
      }
    }
    // Y = A · W with W [m, n] given as is and as Wt [n, m]: the same strips, so the same bits.
    const w = randomArray(m * n, 7);
    kernel.f32(pw, m * n).set(w);
    kernel.exports.transpose(pw, m, n, pwt);
    kernel.matmul(pa, pw, pc, rows, n, m);
    kernel.matmul(pa, pwt, pct, rows, n, m, { transposeB: true });
    expect(kernel.f32(pct, rows * n)).toEqual(kernel.f32(pc, rows * n));
    expect(kernel.f32(pc, rows * n)[5]).toBeCloseTo(Array.from({ length: m }, (_, p) => a[p] * w[p * n + 5]).reduce((x, y) => x + y), 4);
    kernel.dispose();
  });

  // 130 × 72: cut by rows; 20 × 300: wider than tall, cut by column strips (a partial one at the end).
  it.each([[130, 72, 600], [20, 300, 600]])('gives the same bits whether a %i × %i product is cut for 1, 2 or 3 threads', async (m, n, k) => {
    const runs = [];
    for (const threads of [1, 2, 3]) {
      const kernel = (await Kernel.create({ flavour, threads, startHelper: null }))!;
      const pa = kernel.alloc(m * k);
      const pb = kernel.alloc(k * n);
      const pc = kernel.alloc(m * n);
      kernel.f32(pa, m * k).set(randomArray(m * k, 3));
      kernel.f32(pb, k * n).set(randomArray(k * n, 4));
      kernel.matmul(pa, pb, pc, m, n, k, { activation: 'relu', bias: pb });
      runs.push(kernel.f32(pc, m * n).slice());
      kernel.dispose();
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });
});
