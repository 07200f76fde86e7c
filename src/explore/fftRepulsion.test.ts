import { describe, expect, it } from 'vitest';
import { seededRandom } from '../lib/random';
import { Fft, fft2d, smoothAtLeast } from './fft';
import { FftRepulsion } from './fftRepulsion';
import { gaussian } from './linalg';

function naiveDft(re: Float64Array, im: Float64Array, inverse: boolean) {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  const sign = inverse ? 1 : -1;
  for (let k = 0; k < n; k++)
    for (let t = 0; t < n; t++) {
      const a = (sign * 2 * Math.PI * ((k * t) % n)) / n;
      outRe[k] += re[t] * Math.cos(a) - im[t] * Math.sin(a);
      outIm[k] += re[t] * Math.sin(a) + im[t] * Math.cos(a);
    }
  return { re: outRe, im: outIm };
}

/** Σ_j w²(y_i − y_j) and Z = Σ_{i≠j} w by the O(N²) sums. */
function exactRepulsion(y: Float64Array, n: number) {
  const force = new Float64Array(2 * n);
  let z = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const dx = y[2 * i] - y[2 * j];
      const dy = y[2 * i + 1] - y[2 * j + 1];
      const w = 1 / (1 + dx * dx + dy * dy);
      z += w;
      force[2 * i] += w * w * dx;
      force[2 * i + 1] += w * w * dy;
    }
  return { force, z };
}

/** Clusters of points spread like a t-SNE map `scale` wide. */
function mapLike(n: number, scale: number, seed: number) {
  const random = gaussian(seededRandom(seed));
  const centres = Array.from({ length: 6 }, () => [random() * scale * 0.3, random() * scale * 0.3]);
  const y = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = centres[i % 6];
    y[2 * i] = c[0] + random() * scale * 0.05;
    y[2 * i + 1] = c[1] + random() * scale * 0.05;
  }
  return y;
}

describe('FFT', () => {
  it.each([1, 2, 3, 4, 5, 6, 8, 12, 15, 30, 60, 100, 300])('matches the naive DFT at length %i, both ways', (n) => {
    const random = seededRandom(n);
    const re = Float64Array.from({ length: n }, () => random() - 0.5);
    const im = Float64Array.from({ length: n }, () => random() - 0.5);
    for (const inverse of [false, true]) {
      const want = naiveDft(re, im, inverse);
      const gotRe = re.slice();
      const gotIm = im.slice();
      new Fft(n).transform(gotRe, gotIm, inverse);
      for (let k = 0; k < n; k++) {
        expect(gotRe[k]).toBeCloseTo(want.re[k], 9);
        expect(gotIm[k]).toBeCloseTo(want.im[k], 9);
      }
    }
  });

  it('transforms interleaved sequences (the column pass) like separate ones', () => {
    const n = 12;
    const stride = 5;
    const random = seededRandom(2);
    const re = Float64Array.from({ length: n * stride }, () => random());
    const im = Float64Array.from({ length: n * stride }, () => random());
    const fft = new Fft(n);
    const gotRe = re.slice();
    const gotIm = im.slice();
    fft.transform(gotRe, gotIm, false, stride);
    for (let b = 0; b < stride; b++) {
      const want = naiveDft(
        Float64Array.from({ length: n }, (_, i) => re[b + stride * i]),
        Float64Array.from({ length: n }, (_, i) => im[b + stride * i]),
        false,
      );
      for (let k = 0; k < n; k++) expect(gotRe[b + stride * k]).toBeCloseTo(want.re[k], 9);
    }
  });

  it('2-d forward then inverse gives the grid back, with the zero-row and kept-row shortcuts', () => {
    const size = 20;
    const rows = 10;
    const random = seededRandom(3);
    const re = Float64Array.from({ length: size * size }, (_, e) => (e < rows * size ? random() : 0));
    const im = new Float64Array(size * size);
    const copy = re.slice();
    const fft = new Fft(size);
    fft2d(fft, re, im, false, rows);
    fft2d(fft, re, im, true, rows);
    for (let e = 0; e < rows * size; e++) expect(re[e] / (size * size)).toBeCloseTo(copy[e], 10);
  });

  it('picks 2·3·5-smooth lengths', () => {
    expect([1, 7, 49, 50, 97, 121].map(smoothAtLeast)).toEqual([1, 8, 50, 50, 100, 125]);
  });
});

/** Force error as the root-mean-square of (got − exact) over that of exact, and Z's relative error. */
function errors(y: Float64Array, n: number, repulsion: FftRepulsion) {
  const want = exactRepulsion(y, n);
  const got = new Float64Array(2 * n);
  const z = repulsion.compute(y, n, got);
  let diff = 0;
  let norm = 0;
  for (let e = 0; e < 2 * n; e++) {
    diff += (got[e] - want.force[e]) ** 2;
    norm += want.force[e] ** 2;
  }
  return { z: Math.abs(z - want.z) / want.z, force: Math.sqrt(diff / norm) };
}

/**
 * The stated error, with openTSNE's settings (3 nodes per interval, ≥ 50 intervals, 1 per unit of extent): on
 * small maps (the early iterations) Z and the forces are within 1e-5 of the exact sums; on a map 30 units wide
 * Z within 0.2% and the forces within 2% (RMS, relative); 120 units wide (a converged map of many points, boxes
 * a unit wide) Z within 2% and the forces within 5% — the interpolation's near-field error, as in FIt-SNE. Two
 * intervals per unit cut that error ten-fold (for 4× the grid).
 */
describe('FFT-accelerated repulsion', () => {
  it.each([
    [300, 0.001, 1e-5, 1e-5],
    [400, 2, 1e-5, 1e-5],
    [500, 30, 2e-3, 2e-2],
    [800, 120, 2e-2, 5e-2],
    [2000, 120, 2e-2, 5e-2],
  ])('matches the exact sums on %i points %f wide: Z within %f, forces within %f', (n, scale, zError, forceError) => {
    const error = errors(mapLike(n, scale, n), n, new FftRepulsion());
    expect(error.z).toBeLessThan(zError);
    expect(error.force).toBeLessThan(forceError);
  });

  it('is ten times closer with two intervals per unit', () => {
    const y = mapLike(800, 120, 800);
    const error = errors(y, 800, new FftRepulsion({ intervalsPerUnit: 2 }));
    expect(error.z).toBeLessThan(2e-3);
    expect(error.force).toBeLessThan(1e-2);
  });

  it('grows the grid with the extent of the map, from 50 intervals per axis', () => {
    const repulsion = new FftRepulsion();
    const out = new Float64Array(400);
    repulsion.compute(mapLike(200, 1, 1), 200, out);
    expect(repulsion.intervals).toBe(50);
    const wide = mapLike(200, 1, 1).map((v) => v * 100);
    repulsion.compute(wide, 200, out);
    expect(repulsion.intervals).toBeGreaterThan(50);
  });

  it('a coarse grid is measurably worse (the check can fail)', () => {
    const error = errors(mapLike(400, 120, 9), 400, new FftRepulsion({ minIntervals: 4, intervalsPerUnit: 0.05, nodes: 2 }));
    expect(error.force).toBeGreaterThan(5e-2);
  });
});
