/**
 * t-SNE's repulsive forces by FFT-accelerated interpolation (FIt-SNE, Linderman et al. 2019, as openTSNE does
 * it): the map's square bounding box is cut into `intervals` × `intervals` equal boxes with `nodes` × `nodes`
 * equispaced Lagrange interpolation nodes each; every point spreads its charges onto the 9 nodes of its box, the
 * kernel is convolved over the whole node grid by FFT (the grid is uniform, so the kernel matrix is Toeplitz),
 * and each point reads the potentials back from its box's nodes with the same weights. O(N + G log G) per
 * iteration for G grid nodes, instead of Barnes-Hut's O(N log N) tree walk.
 *
 * One kernel does it all: with K = 1/(1 + d²)² and charges 1, y₁, y₂, |y|²,
 *   Σ_j K_ij (y_i − y_j)      = y_i φ₀ − (φ₁, φ₂)                       (the repulsion numerator)
 *   Σ_j 1/(1 + d_ij²)         = (1 + |y_i|²) φ₀ − 2 y_i·(φ₁, φ₂) + φ₃   (since 1/(1+d²) = (1+d²) K)
 * where φ_c(y_i) = Σ_j K_ij q_c(j). The self term (K_ii = 1) adds 1 to each point's normaliser term and
 * nothing to its force. Coordinates are taken relative to the box centre so that |y|² stays small.
 */
import { Fft, fft2d, smoothAtLeast } from './fft';


export interface FftRepulsionOptions {
  /** interpolation nodes per interval and axis (openTSNE: 3) */
  nodes?: number;
  /** the grid never has fewer intervals per axis (openTSNE: 50) */
  minIntervals?: number;
  /** intervals per unit of the map's extent (openTSNE: 1), so the grid grows with the map */
  intervalsPerUnit?: number;
}

/** ratio between successive box widths while the map is narrower than minIntervals boxes of full width */
const LADDER = 1.02;

/** One charge grid's convolution, as handed to another thread: all arrays size × size, kernel = its spectrum. */
export interface GridJob {
  re: Float64Array;
  im: Float64Array;
  /** the kernel's spectrum, already scaled by 1 / size² (read only) */
  kernel: Float64Array;
  size: number;
  /** nodes per axis: the charges and the wanted potentials are the top-left m × m */
  m: number;
}

/** Another thread convolving grid B while this one does grid A: startConvolution() returns at once. */
export interface ConvolutionHelper {
  startConvolution(job: GridJob): void;
  wait(): void;
}

/** In place: the m × m charges in (re, im) (two real grids) become their potentials, by FFT. */
export function convolveGrid(fft: Fft, job: GridJob): void {
  const { re, im, kernel, size, m } = job;
  fft2d(fft, re, im, false, m);
  for (let e = 0; e < size * size; e++) {
    const k = kernel[e];
    re[e] *= k;
    im[e] *= k;
  }
  fft2d(fft, re, im, true, m);
}

export class FftRepulsion {
  readonly nodes: number;
  readonly minIntervals: number;
  readonly intervalsPerUnit: number;
  /** intervals per axis used by the last call (for tests and the bench) */
  intervals = 0;
  private fft?: Fft;
  /** grids in SharedArrayBuffers (for a helper thread) from the next resize on */
  private shared = false;
  private kernelRe: Float64Array = new Float64Array(0);
  private kernelIm = new Float64Array(0);
  /** the node spacing kernelRe holds the spectrum for */
  private kernelSpacing = NaN;
  private aRe = new Float64Array(0);
  private aIm = new Float64Array(0);
  private bRe: Float64Array = new Float64Array(0);
  private bIm: Float64Array = new Float64Array(0);
  /** per point: first grid column / row of its box, and its `nodes` interpolation weights per axis */
  private col0 = new Int32Array(0);
  private row0 = new Int32Array(0);
  private weightX = new Float64Array(0);
  private weightY = new Float64Array(0);
  /** Lagrange denominators Π_{s≠t}(x_t − x_s) of the nodes in [0, 1] */
  private readonly denominators: Float64Array;
  private readonly nodeAt: Float64Array;

  constructor(options: FftRepulsionOptions = {}) {
    this.nodes = options.nodes ?? 3;
    this.minIntervals = options.minIntervals ?? 50;
    this.intervalsPerUnit = options.intervalsPerUnit ?? 1;
    const p = this.nodes;
    this.nodeAt = Float64Array.from({ length: p }, (_, t) => (t + 0.5) / p);
    this.denominators = Float64Array.from({ length: p }, (_, t) => {
      let d = 1;
      for (let s = 0; s < p; s++) if (s !== t) d *= this.nodeAt[t] - this.nodeAt[s];
      return d;
    });
  }

  /**
   * Σ_j w_ij²(y_i − y_j) into `out` (n × 2) for every i, with w = 1/(1 + d²); returns Z = Σ_{i≠j} w_ij.
   * `y`: n × 2 positions. With a `helper` (after useSharedMemory()), grid B is convolved by it meanwhile.
   */
  compute(y: Float64Array, n: number, out: Float64Array, helper?: ConvolutionHelper): number {
    const p = this.nodes;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const a = y[2 * i];
      const b = y[2 * i + 1];
      if (a < minX) minX = a;
      if (a > maxX) maxX = a;
      if (b < minY) minY = b;
      if (b > maxY) maxY = b;
    }
    const centreX = (minX + maxX) / 2;
    const centreY = (minY + maxY) / 2;
    // a hair wider than the points, so the largest coordinate falls inside the last box
    const extent = Math.max(maxX - minX, maxY - minY) * (1 + 1e-6) + 1e-12;
    // Boxes are 1 / intervalsPerUnit wide once the map is wide enough; before, the box width climbs a ladder of
    // 2% steps. Either way it changes only now and then, and so does the kernel's spectrum, which is kept.
    const widest = 1 / this.intervalsPerUnit;
    const boxWidth = Math.min(widest, LADDER ** Math.ceil(Math.log(extent / this.minIntervals) / Math.log(LADDER)));
    const intervals = smoothAtLeast(Math.max(this.minIntervals, extent / boxWidth));
    this.intervals = intervals;
    const spacing = boxWidth / p; // between neighbouring grid nodes
    const m = intervals * p; // nodes per axis
    const size = 2 * m; // circulant embedding of the m × m Toeplitz kernel
    if (this.fft?.n !== size) {
      this.fft = new Fft(size);
      const cells = size * size;
      const grid = () => (this.shared ? new Float64Array(new SharedArrayBuffer(8 * cells)) : new Float64Array(cells));
      this.kernelRe = grid();
      this.kernelIm = new Float64Array(cells);
      this.aRe = new Float64Array(cells);
      this.aIm = new Float64Array(cells);
      this.bRe = grid();
      this.bIm = grid();
      this.kernelSpacing = NaN;
    }
    if (this.col0.length < n) {
      this.col0 = new Int32Array(n);
      this.row0 = new Int32Array(n);
      this.weightX = new Float64Array(n * p);
      this.weightY = new Float64Array(n * p);
    }
    const fft = this.fft;
    const { kernelRe, aRe, aIm, bRe, bIm, col0, row0, weightX, weightY } = this;
    if (spacing !== this.kernelSpacing) {
      this.kernelSpectrum(m, spacing);
      this.kernelSpacing = spacing;
    }

    // Spread the charges onto the nodes of each point's box.
    aRe.fill(0);
    aIm.fill(0);
    bRe.fill(0);
    bIm.fill(0);
    const lowX = centreX - (intervals * boxWidth) / 2;
    const lowY = centreY - (intervals * boxWidth) / 2;
    for (let i = 0; i < n; i++) {
      const gx = (y[2 * i] - lowX) / boxWidth;
      const gy = (y[2 * i + 1] - lowY) / boxWidth;
      const bx = Math.min(Math.floor(gx), intervals - 1);
      const by = Math.min(Math.floor(gy), intervals - 1);
      this.lagrange(gx - bx, weightX, i * p);
      this.lagrange(gy - by, weightY, i * p);
      col0[i] = bx * p;
      row0[i] = by * p;
      const cx = y[2 * i] - centreX;
      const cy = y[2 * i + 1] - centreY;
      const c2 = cx * cx + cy * cy;
      for (let ty = 0; ty < p; ty++) {
        const wy = weightY[i * p + ty];
        const base = (row0[i] + ty) * size + col0[i];
        for (let tx = 0; tx < p; tx++) {
          const w = wy * weightX[i * p + tx];
          aRe[base + tx] += w;
          aIm[base + tx] += w * cx;
          bRe[base + tx] += w * cy;
          bIm[base + tx] += w * c2;
        }
      }
    }

    // Convolve: the kernel's spectrum is real (the wrapped kernel is real and even), so a complex grid carrying
    // two real charge grids is convolved as one.
    const jobB: GridJob = { re: bRe, im: bIm, kernel: kernelRe, size, m };
    if (helper && this.shared && bRe.buffer instanceof SharedArrayBuffer) helper.startConvolution(jobB);
    else helper = undefined;
    convolveGrid(fft, { re: aRe, im: aIm, kernel: kernelRe, size, m });
    if (helper) helper.wait();
    else convolveGrid(fft, jobB);

    // Read the potentials back at the points.
    let z = 0;
    for (let i = 0; i < n; i++) {
      let phi0 = 0;
      let phi1 = 0;
      let phi2 = 0;
      let phi3 = 0;
      for (let ty = 0; ty < p; ty++) {
        const wy = weightY[i * p + ty];
        const base = (row0[i] + ty) * size + col0[i];
        for (let tx = 0; tx < p; tx++) {
          const w = wy * weightX[i * p + tx];
          phi0 += w * aRe[base + tx];
          phi1 += w * aIm[base + tx];
          phi2 += w * bRe[base + tx];
          phi3 += w * bIm[base + tx];
        }
      }
      const cx = y[2 * i] - centreX;
      const cy = y[2 * i + 1] - centreY;
      z += (1 + cx * cx + cy * cy) * phi0 - 2 * (cx * phi1 + cy * phi2) + phi3;
      out[2 * i] = cx * phi0 - phi1;
      out[2 * i + 1] = cy * phi0 - phi2;
    }
    return z - n;
  }

  /** The 2-d FFT of the kernel K = 1/(1 + d²)² at every grid offset, wrapped around (offset t is offset t − size). */
  private kernelSpectrum(m: number, spacing: number) {
    const size = 2 * m;
    const { kernelRe, kernelIm } = this;
    const offset2 = new Float64Array(size);
    for (let t = 0; t < size; t++) {
      const d = t < m ? t : t > m ? t - size : 0;
      offset2[t] = (d * spacing) ** 2;
    }
    for (let r = 0; r < size; r++) {
      const base = r * size;
      const dr = offset2[r];
      for (let c = 0; c < size; c++) {
        const w = 1 / (1 + dr + offset2[c]);
        kernelRe[base + c] = r === m || c === m ? 0 : w * w;
      }
    }
    kernelIm.fill(0);
    fft2d(this.fft!, kernelRe, kernelIm, false);
    // the inverse transform's 1 / size², folded in once
    const scale = 1 / (size * size);
    for (let e = 0; e < size * size; e++) kernelRe[e] *= scale;
  }

  /** Grid B and the kernel go to SharedArrayBuffers (from the next call on), so a helper can convolve B. */
  useSharedMemory(): void {
    this.shared = true;
    this.fft = undefined;
  }

  /** The Lagrange basis polynomials of the box's nodes at u ∈ [0, 1], into out[at…at+nodes). */
  private lagrange(u: number, out: Float64Array, at: number) {
    const p = this.nodes;
    for (let t = 0; t < p; t++) {
      let v = 1;
      for (let s = 0; s < p; s++) if (s !== t) v *= u - this.nodeAt[s];
      out[at + t] = v / this.denominators[t];
    }
  }
}
