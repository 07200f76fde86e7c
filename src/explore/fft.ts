/**
 * A small mixed-radix (2, 3, 4, 5) complex FFT over split Float64Arrays, for the t-SNE repulsion's grid
 * convolutions. Mixed radix because the interpolation grid is 2 · 3 · intervals points wide: a power-of-two-only
 * FFT would pad 600 to 1024 and cost ~3× more per iteration. No npm FFT fits better: the well-kept ones (fft.js)
 * are power-of-two only, the mixed-radix ones are unmaintained or WebAssembly with an async start.
 *
 * Stockham autosort formulation (no bit reversal): stage by stage, with `stride` independent interleaved
 * sequences transformed at once (sequence b is x[b + stride·i]); that is what makes the column pass of a 2-d
 * transform cache friendly, the inner loop running along a row.
 */

/** The smallest 2·3·5-smooth integer ≥ n. */
export function smoothAtLeast(n: number): number {
  for (let m = Math.max(1, Math.ceil(n)); ; m++) {
    let r = m;
    for (const p of [2, 3, 5]) while (r % p === 0) r /= p;
    if (r === 1) return m;
  }
}

function radices(n: number): number[] {
  const out: number[] = [];
  let r = n;
  while (r % 4 === 0) {
    out.push(4);
    r /= 4;
  }
  for (const p of [2, 3, 5])
    while (r % p === 0) {
      out.push(p);
      r /= p;
    }
  if (r !== 1) throw new Error(`FFT length ${n} is not 2·3·5-smooth`);
  return out;
}

const SIN60 = Math.sqrt(3) / 2;
const C51 = Math.cos((2 * Math.PI) / 5);
const C52 = Math.cos((4 * Math.PI) / 5);
const S51 = Math.sin((2 * Math.PI) / 5);
const S52 = Math.sin((4 * Math.PI) / 5);

/** Complex FFT of one length, reusable; transforms `stride` interleaved sequences in place. */
export class Fft {
  readonly n: number;
  private readonly factors: number[];
  /** cos / sin of 2πt/n */
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private workRe = new Float64Array(0);
  private workIm = new Float64Array(0);

  constructor(n: number) {
    this.n = n;
    this.factors = radices(n);
    this.cos = Float64Array.from({ length: n }, (_, t) => Math.cos((2 * Math.PI * t) / n));
    this.sin = Float64Array.from({ length: n }, (_, t) => Math.sin((2 * Math.PI * t) / n));
  }

  /**
   * In place: x ← DFT(x) along sequences of length n, `stride` of them interleaved (x[b + stride·i]), from
   * `offset`. `inverse` uses e^{+2πi/n} and does not scale by 1/n.
   */
  transform(re: Float64Array, im: Float64Array, inverse = false, stride = 1, offset = 0): void {
    const size = this.n * stride;
    if (this.workRe.length < size) {
      this.workRe = new Float64Array(size);
      this.workIm = new Float64Array(size);
    }
    let xr = offset === 0 && re.length === size ? re : re.subarray(offset, offset + size);
    let xi = offset === 0 && im.length === size ? im : im.subarray(offset, offset + size);
    const outRe = xr;
    const outIm = xi;
    let yr: Float64Array = this.workRe.length === size ? this.workRe : this.workRe.subarray(0, size);
    let yi: Float64Array = this.workIm.length === size ? this.workIm : this.workIm.subarray(0, size);
    const sign = inverse ? 1 : -1;
    let length = this.n;
    let s = stride;
    for (const r of this.factors) {
      const m = length / r;
      const step = this.n / length; // twiddle ω_length^{jp} = ω_n^{jp·step}
      switch (r) {
        case 2:
          this.radix2(xr, xi, yr, yi, m, s, step, sign);
          break;
        case 3:
          this.radix3(xr, xi, yr, yi, m, s, step, sign);
          break;
        case 4:
          this.radix4(xr, xi, yr, yi, m, s, step, sign);
          break;
        default:
          this.radix5(xr, xi, yr, yi, m, s, step, sign);
      }
      [xr, yr] = [yr, xr];
      [xi, yi] = [yi, xi];
      length = m;
      s *= r;
    }
    if (xr !== outRe) {
      outRe.set(xr);
      outIm.set(xi);
    }
  }

  private radix2(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, m: number, s: number, step: number, sign: number) {
    const { cos, sin } = this;
    for (let p = 0; p < m; p++) {
      const wr = cos[p * step];
      const wi = sign * sin[p * step];
      const a0 = s * p;
      const a1 = s * (p + m);
      const b0 = s * 2 * p;
      const b1 = b0 + s;
      for (let q = 0; q < s; q++) {
        const ar = xr[a0 + q];
        const ai = xi[a0 + q];
        const br = xr[a1 + q];
        const bi = xi[a1 + q];
        yr[b0 + q] = ar + br;
        yi[b0 + q] = ai + bi;
        const dr = ar - br;
        const di = ai - bi;
        yr[b1 + q] = dr * wr - di * wi;
        yi[b1 + q] = dr * wi + di * wr;
      }
    }
  }

  private radix3(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, m: number, s: number, step: number, sign: number) {
    const { cos, sin, n } = this;
    const s60 = sign * SIN60;
    for (let p = 0; p < m; p++) {
      const w1r = cos[p * step];
      const w1i = sign * sin[p * step];
      const w2r = cos[(2 * p * step) % n];
      const w2i = sign * sin[(2 * p * step) % n];
      const a0 = s * p;
      const a1 = s * (p + m);
      const a2 = s * (p + 2 * m);
      const b0 = s * 3 * p;
      for (let q = 0; q < s; q++) {
        const x0r = xr[a0 + q];
        const x0i = xi[a0 + q];
        const x1r = xr[a1 + q];
        const x1i = xi[a1 + q];
        const x2r = xr[a2 + q];
        const x2i = xi[a2 + q];
        const tr = x1r + x2r;
        const ti = x1i + x2i;
        const mr = x0r - 0.5 * tr;
        const mi = x0i - 0.5 * ti;
        // (x1 − x2)·(i·sign·sin60)
        const ur = -s60 * (x1i - x2i);
        const ui = s60 * (x1r - x2r);
        yr[b0 + q] = x0r + tr;
        yi[b0 + q] = x0i + ti;
        const y1r = mr + ur;
        const y1i = mi + ui;
        const y2r = mr - ur;
        const y2i = mi - ui;
        yr[b0 + s + q] = y1r * w1r - y1i * w1i;
        yi[b0 + s + q] = y1r * w1i + y1i * w1r;
        yr[b0 + 2 * s + q] = y2r * w2r - y2i * w2i;
        yi[b0 + 2 * s + q] = y2r * w2i + y2i * w2r;
      }
    }
  }

  private radix4(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, m: number, s: number, step: number, sign: number) {
    const { cos, sin, n } = this;
    for (let p = 0; p < m; p++) {
      const w1r = cos[p * step];
      const w1i = sign * sin[p * step];
      const w2r = cos[(2 * p * step) % n];
      const w2i = sign * sin[(2 * p * step) % n];
      const w3r = cos[(3 * p * step) % n];
      const w3i = sign * sin[(3 * p * step) % n];
      const a0 = s * p;
      const a1 = s * (p + m);
      const a2 = s * (p + 2 * m);
      const a3 = s * (p + 3 * m);
      const b0 = s * 4 * p;
      for (let q = 0; q < s; q++) {
        const x0r = xr[a0 + q];
        const x0i = xi[a0 + q];
        const x1r = xr[a1 + q];
        const x1i = xi[a1 + q];
        const x2r = xr[a2 + q];
        const x2i = xi[a2 + q];
        const x3r = xr[a3 + q];
        const x3i = xi[a3 + q];
        const s02r = x0r + x2r;
        const s02i = x0i + x2i;
        const d02r = x0r - x2r;
        const d02i = x0i - x2i;
        const s13r = x1r + x3r;
        const s13i = x1i + x3i;
        // (x1 − x3)·(sign·i)
        const d13r = -sign * (x1i - x3i);
        const d13i = sign * (x1r - x3r);
        yr[b0 + q] = s02r + s13r;
        yi[b0 + q] = s02i + s13i;
        const y1r = d02r + d13r;
        const y1i = d02i + d13i;
        const y2r = s02r - s13r;
        const y2i = s02i - s13i;
        const y3r = d02r - d13r;
        const y3i = d02i - d13i;
        yr[b0 + s + q] = y1r * w1r - y1i * w1i;
        yi[b0 + s + q] = y1r * w1i + y1i * w1r;
        yr[b0 + 2 * s + q] = y2r * w2r - y2i * w2i;
        yi[b0 + 2 * s + q] = y2r * w2i + y2i * w2r;
        yr[b0 + 3 * s + q] = y3r * w3r - y3i * w3i;
        yi[b0 + 3 * s + q] = y3r * w3i + y3i * w3r;
      }
    }
  }

  private radix5(xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, m: number, s: number, step: number, sign: number) {
    const { cos, sin, n } = this;
    const s1 = sign * S51;
    const s2 = sign * S52;
    const sm = s * m;
    for (let p = 0; p < m; p++) {
      const w1r = cos[p * step];
      const w1i = sign * sin[p * step];
      const w2r = cos[(2 * p * step) % n];
      const w2i = sign * sin[(2 * p * step) % n];
      const w3r = cos[(3 * p * step) % n];
      const w3i = sign * sin[(3 * p * step) % n];
      const w4r = cos[(4 * p * step) % n];
      const w4i = sign * sin[(4 * p * step) % n];
      const a0 = s * p;
      const b0 = s * 5 * p;
      for (let q = 0; q < s; q++) {
        const x0r = xr[a0 + q];
        const x0i = xi[a0 + q];
        const x1r = xr[a0 + sm + q];
        const x1i = xi[a0 + sm + q];
        const x2r = xr[a0 + 2 * sm + q];
        const x2i = xi[a0 + 2 * sm + q];
        const x3r = xr[a0 + 3 * sm + q];
        const x3i = xi[a0 + 3 * sm + q];
        const x4r = xr[a0 + 4 * sm + q];
        const x4i = xi[a0 + 4 * sm + q];
        const t1r = x1r + x4r;
        const t1i = x1i + x4i;
        const t2r = x2r + x3r;
        const t2i = x2i + x3i;
        const t3r = x1r - x4r;
        const t3i = x1i - x4i;
        const t4r = x2r - x3r;
        const t4i = x2i - x3i;
        const m1r = x0r + C51 * t1r + C52 * t2r;
        const m1i = x0i + C51 * t1i + C52 * t2i;
        const m2r = x0r + C52 * t1r + C51 * t2r;
        const m2i = x0i + C52 * t1i + C51 * t2i;
        // i·(s1·t3 + s2·t4) and i·(s2·t3 − s1·t4)
        const n1r = -(s1 * t3i + s2 * t4i);
        const n1i = s1 * t3r + s2 * t4r;
        const n2r = -(s2 * t3i - s1 * t4i);
        const n2i = s2 * t3r - s1 * t4r;
        yr[b0 + q] = x0r + t1r + t2r;
        yi[b0 + q] = x0i + t1i + t2i;
        let vr = m1r + n1r;
        let vi = m1i + n1i;
        yr[b0 + s + q] = vr * w1r - vi * w1i;
        yi[b0 + s + q] = vr * w1i + vi * w1r;
        vr = m2r + n2r;
        vi = m2i + n2i;
        yr[b0 + 2 * s + q] = vr * w2r - vi * w2i;
        yi[b0 + 2 * s + q] = vr * w2i + vi * w2r;
        vr = m2r - n2r;
        vi = m2i - n2i;
        yr[b0 + 3 * s + q] = vr * w3r - vi * w3i;
        yi[b0 + 3 * s + q] = vr * w3i + vi * w3r;
        vr = m1r - n1r;
        vi = m1i - n1i;
        yr[b0 + 4 * s + q] = vr * w4r - vi * w4i;
        yi[b0 + 4 * s + q] = vr * w4i + vi * w4r;
      }
    }
  }
}

/**
 * 2-d FFT of a size × size row-major grid in place. `rows`: forward, only the first `rows` rows may be non-zero
 * (the zero-padded input of a convolution: the other rows' transforms are skipped); inverse, only the first
 * `rows` rows of the result are wanted (the rows pass runs last and stops there). Either saves a quarter of the
 * work in the padded convolutions of the t-SNE repulsion.
 */
export function fft2d(fft: Fft, re: Float64Array, im: Float64Array, inverse: boolean, rows = fft.n): void {
  const size = fft.n;
  // Columns: all `size` of them at once, interleaved with stride `size`.
  if (inverse) fft.transform(re, im, true, size, 0);
  for (let r = 0; r < rows; r++) fft.transform(re, im, inverse, 1, r * size);
  if (!inverse) fft.transform(re, im, false, size, 0);
}
