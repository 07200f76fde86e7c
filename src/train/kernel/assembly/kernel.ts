// The MLP training kernel, in AssemblyScript (compiled by `npm run kernel` into kernelWasm.ts, twice: plain SIMD
// and relaxed SIMD). Everything works on raw float32 arrays in one (shared) memory that the host lays out; there
// is no allocator here. Matmuls take a row range [m0, m1) so that several threads can each compute a disjoint set
// of output rows: every output element's sum runs over the inner index in ascending order with the same
// instruction whatever the row range, so the result never depends on the number of threads.

// a * b + c per lane: one fused multiply-add where the relaxed-SIMD build runs on an FMA CPU.
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

const ACT_NONE = 0;
const ACT_RELU = 1;
/** Inner indices per pass over the 8-column strips. */
const K_CHUNK = 512;
const ACT_TANH = 2;

function epilogue4(v: v128, bias: usize, j: i32, act: i32): v128 {
  let out = v;
  if (bias != 0) out = f32x4.add(out, v128.load(bias + (<usize>j << 2)));
  if (act == ACT_RELU) out = f32x4.max(out, f32x4.splat(0));
  else if (act == ACT_TANH) {
    out = f32x4(
      Mathf.tanh(f32x4.extract_lane(out, 0)),
      Mathf.tanh(f32x4.extract_lane(out, 1)),
      Mathf.tanh(f32x4.extract_lane(out, 2)),
      Mathf.tanh(f32x4.extract_lane(out, 3)),
    );
  }
  return out;
}

/** act(v + bv) with the bias lanes given (a partial strip's bias, read lane by lane). */
function epilogueV(v: v128, bv: v128, act: i32): v128 {
  let out = f32x4.add(v, bv);
  if (act == ACT_RELU) out = f32x4.max(out, f32x4.splat(0));
  else if (act == ACT_TANH) {
    out = f32x4(
      Mathf.tanh(f32x4.extract_lane(out, 0)),
      Mathf.tanh(f32x4.extract_lane(out, 1)),
      Mathf.tanh(f32x4.extract_lane(out, 2)),
      Mathf.tanh(f32x4.extract_lane(out, 3)),
    );
  }
  return out;
}

/** Floats [off, off + 4) at p as lanes, those at or past `w` read as 0 (never touching memory past column w). */
function loadLanes(p: usize, w: i32, off: i32): v128 {
  let v = f32x4.splat(0);
  if (off < w) v = f32x4.replace_lane(v, 0, load<f32>(p + (<usize>off << 2)));
  if (off + 1 < w) v = f32x4.replace_lane(v, 1, load<f32>(p + (<usize>off << 2), 4));
  if (off + 2 < w) v = f32x4.replace_lane(v, 2, load<f32>(p + (<usize>off << 2), 8));
  if (off + 3 < w) v = f32x4.replace_lane(v, 3, load<f32>(p + (<usize>off << 2), 12));
  return v;
}

/** Stores the lanes of v that fall before column w (lane q is column off + q). */
function storeLanes(p: usize, v: v128, w: i32, off: i32): void {
  if (off < w) store<f32>(p + (<usize>off << 2), f32x4.extract_lane(v, 0));
  if (off + 1 < w) store<f32>(p + (<usize>off << 2), f32x4.extract_lane(v, 1), 4);
  if (off + 2 < w) store<f32>(p + (<usize>off << 2), f32x4.extract_lane(v, 2), 8);
  if (off + 3 < w) store<f32>(p + (<usize>off << 2), f32x4.extract_lane(v, 3), 12);
}

/** A row's 8 outputs (two vectors) with the epilogue: all 8, or the first w of a partial strip. */
function storeRow(pc: usize, v0: v128, v1: v128, w: i32, bias: usize, j: i32, act: i32): void {
  if (w == 8) {
    v128.store(pc, epilogue4(v0, bias, j, act));
    v128.store(pc, epilogue4(v1, bias, j + 4, act), 16);
    return;
  }
  const b0 = bias != 0 ? loadLanes(bias + (<usize>j << 2), w, 0) : f32x4.splat(0);
  const b1 = bias != 0 ? loadLanes(bias + (<usize>j << 2), w, 4) : f32x4.splat(0);
  storeLanes(pc, epilogueV(v0, b0, act), w, 0);
  storeLanes(pc, epilogueV(v1, b1, act), w, 4);
}

function epilogue1(v: f32, bias: usize, j: i32, act: i32): f32 {
  let out = v;
  if (bias != 0) out += load<f32>(bias + (<usize>j << 2));
  if (act == ACT_RELU) out = out > 0 ? out : 0;
  else if (act == ACT_TANH) out = Mathf.tanh(out);
  return out;
}

/**
 * Packs columns [j, j + w) of B = Btᵀ, rows [p0, p1), into `to` as [p][8] (zero past w), from Bt [*, ldb]
 * row-major: a weight matrix stored [units, inputs]. Four inner indices at a time, two 4 × 4 transposes in
 * registers.
 */
function packTransposed(bt: usize, ldb: i32, j: i32, w: i32, p0: i32, p1: i32, to0: usize): void {
  const ls = <usize>ldb << 2;
  let to = to0;
  let p = p0;
  if (w == 8) {
    for (; p + 4 <= p1; p += 4) {
      const base = bt + <usize>j * ls + (<usize>p << 2);
      const r0 = v128.load(base), r1 = v128.load(base + ls), r2 = v128.load(base + 2 * ls), r3 = v128.load(base + 3 * ls);
      const r4 = v128.load(base + 4 * ls), r5 = v128.load(base + 5 * ls), r6 = v128.load(base + 6 * ls), r7 = v128.load(base + 7 * ls);
      const t0 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5);
      const t2 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7), t3 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
      const u0 = v128.shuffle<i32>(r4, r5, 0, 4, 1, 5), u1 = v128.shuffle<i32>(r6, r7, 0, 4, 1, 5);
      const u2 = v128.shuffle<i32>(r4, r5, 2, 6, 3, 7), u3 = v128.shuffle<i32>(r6, r7, 2, 6, 3, 7);
      v128.store(to, v128.shuffle<i64>(t0, t1, 0, 2));
      v128.store(to, v128.shuffle<i64>(u0, u1, 0, 2), 16);
      v128.store(to, v128.shuffle<i64>(t0, t1, 1, 3), 32);
      v128.store(to, v128.shuffle<i64>(u0, u1, 1, 3), 48);
      v128.store(to, v128.shuffle<i64>(t2, t3, 0, 2), 64);
      v128.store(to, v128.shuffle<i64>(u2, u3, 0, 2), 80);
      v128.store(to, v128.shuffle<i64>(t2, t3, 1, 3), 96);
      v128.store(to, v128.shuffle<i64>(u2, u3, 1, 3), 112);
      to += 128;
    }
  }
  for (; p < p1; p++) {
    for (let q = 0; q < 8; q++) store<f32>(to + (<usize>q << 2), q < w ? load<f32>(bt + <usize>(j + q) * ls + (<usize>p << 2)) : 0);
    to += 32;
  }
}

/**
 * The 8-column strips of C over the inner indices [p0, p1): C's rows start from zero when p0 = 0, else from what
 * C holds (the earlier chunks), so chunking changes no sum's order. The caller passes bias and act for the last
 * chunk only.
 */
function strips8(
  a: usize, ar: usize, as: usize, b: usize, ldb: i32, c: usize, cs: usize,
  m0: i32, m1: i32, n: i32, p0: i32, p1: i32, bias: usize, act: i32, pack: usize, j0: i32, j1: i32, bT: bool,
): void {
  // Column strips of 8 outside, 4-row blocks inside: the strip of B (k × 32 bytes) stays in cache for all rows.
  // With a pack buffer the last, partial strip is packed with zero columns and runs through the same block as the
  // others (its extra lanes are dropped on the store): a narrow output (7 classes) costs no scalar loop.
  const jEnd = min(pack != 0 ? n : n & ~7, j1);
  for (let j = j0; j < jEnd; j += 8) {
    const w = min(8, n - j);
    let stripB = b + <usize>p0 * (<usize>ldb << 2) + (<usize>j << 2);
    let bs = <usize>ldb << 2;
    if (bT) {
      packTransposed(b, ldb, j, w, p0, p1, pack);
      stripB = pack;
      bs = 32;
    } else if (pack != 0) {
      let from = stripB;
      let to = pack;
      if (w == 8) {
        for (let p = p0; p < p1; p++) {
          v128.store(to, v128.load(from));
          v128.store(to, v128.load(from, 16), 16);
          from += bs;
          to += 32;
        }
      } else {
        for (let p = p0; p < p1; p++) {
          v128.store(to, loadLanes(from, w, 0));
          v128.store(to, loadLanes(from, w, 4), 16);
          from += bs;
          to += 32;
        }
      }
      stripB = pack;
      bs = 32;
    }
    let i = m0;
    for (; i + 4 <= m1; i += 4) {
      const pc = c + <usize>i * cs + (<usize>j << 2);
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      if (p0 > 0) {
        if (w == 8) {
          c00 = v128.load(pc); c01 = v128.load(pc, 16);
          c10 = v128.load(pc + cs); c11 = v128.load(pc + cs, 16);
          c20 = v128.load(pc + 2 * cs); c21 = v128.load(pc + 2 * cs, 16);
          c30 = v128.load(pc + 3 * cs); c31 = v128.load(pc + 3 * cs, 16);
        } else {
          c00 = loadLanes(pc, w, 0); c01 = loadLanes(pc, w, 4);
          c10 = loadLanes(pc + cs, w, 0); c11 = loadLanes(pc + cs, w, 4);
          c20 = loadLanes(pc + 2 * cs, w, 0); c21 = loadLanes(pc + 2 * cs, w, 4);
          c30 = loadLanes(pc + 3 * cs, w, 0); c31 = loadLanes(pc + 3 * cs, w, 4);
        }
      }
      let pa = a + <usize>i * ar + <usize>p0 * as;
      let pb = stripB;
      for (let p = p0; p < p1; p++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        const a0 = v128.load32_splat(pa);
        c00 = madd(a0, b0, c00);
        c01 = madd(a0, b1, c01);
        const a1 = v128.load32_splat(pa + ar);
        c10 = madd(a1, b0, c10);
        c11 = madd(a1, b1, c11);
        const a2 = v128.load32_splat(pa + 2 * ar);
        c20 = madd(a2, b0, c20);
        c21 = madd(a2, b1, c21);
        const a3 = v128.load32_splat(pa + 3 * ar);
        c30 = madd(a3, b0, c30);
        c31 = madd(a3, b1, c31);
        pa += as;
        pb += bs;
      }
      storeRow(pc, c00, c01, w, bias, j, act);
      storeRow(pc + cs, c10, c11, w, bias, j, act);
      storeRow(pc + 2 * cs, c20, c21, w, bias, j, act);
      storeRow(pc + 3 * cs, c30, c31, w, bias, j, act);
    }
    for (; i < m1; i++) {
      const pc = c + <usize>i * cs + (<usize>j << 2);
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      if (p0 > 0) {
        c00 = loadLanes(pc, w, 0);
        c01 = loadLanes(pc, w, 4);
      }
      let pa = a + <usize>i * ar + <usize>p0 * as;
      let pb = stripB;
      for (let p = p0; p < p1; p++) {
        const a0 = v128.load32_splat(pa);
        c00 = madd(a0, v128.load(pb), c00);
        c01 = madd(a0, v128.load(pb, 16), c01);
        pa += as;
        pb += bs;
      }
      storeRow(pc, c00, c01, w, bias, j, act);
    }
  }
}

/**
 * C[i, j] = act(Σ_p A(i, p) · B[p, j] + bias[j]) for rows i in [m0, m1), columns j in [j0, min(j1, n)), p in [0, k);
 * j0 a multiple of 8 (a thread's share of the column strips; [0, n) for all). bT: B is given as Bt [n, ldb]
 * (B[p, j] = Bt[j, p]; `pack` required).
 * A(i, p) = a[i * aRow + p * aStep] (aRow = k, aStep = 1 for A; aRow = 1, aStep = rows for Aᵀ), B is [k, ldb]
 * row-major, C is [*, ldc]. bias = 0 adds none. `pack` (k × 8 floats of this thread's own, or 0) takes a
 * copy of each 8-column strip of B (K_CHUNK rows at a time): B's rows are often 2 KiB apart, which maps a strip onto two sets of the L1
 * cache; packed, the strip is contiguous and stays there for all the rows.
 */
export function matmul(
  a: usize, aRow: i32, aStep: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  m0: i32, m1: i32, n: i32, k: i32,
  bias: usize, act: i32, pack: usize, j0: i32, j1: i32, bT: bool,
): void {
  const ar = <usize>aRow << 2;
  const as = <usize>aStep << 2;
  const cs = <usize>ldc << 2;
  // Inner chunks of K_CHUNK: a packed strip (K_CHUNK × 32 bytes) and 4 rows of A stay in the L1 cache.
  for (let p0 = 0; p0 < k; p0 += K_CHUNK) {
    const p1 = min(k, p0 + K_CHUNK);
    const last = p1 == k;
    strips8(a, ar, as, b, ldb, c, cs, m0, m1, n, p0, p1, last ? bias : 0, last ? act : ACT_NONE, pack, j0, j1, bT);
  }
  if (j1 < n) return;
  // Without a pack buffer, the columns past the last full strip: 4 at a time, then one by one.
  let j = pack != 0 ? n : n & ~7;
  const bs = <usize>ldb << 2;
  for (; j + 4 <= n; j += 4) {
    for (let i = m0; i < m1; i++) {
      let c00 = f32x4.splat(0);
      let pa = a + <usize>i * ar;
      let pb = b + (<usize>j << 2);
      for (let p = 0; p < k; p++) {
        c00 = madd(v128.load32_splat(pa), v128.load(pb), c00);
        pa += as;
        pb += bs;
      }
      v128.store(c + <usize>i * cs + (<usize>j << 2), epilogue4(c00, bias, j, act));
    }
  }
  for (; j < n; j++) {
    for (let i = m0; i < m1; i++) {
      let sum: f32 = 0;
      let pa = a + <usize>i * ar;
      let pb = b + (<usize>j << 2);
      for (let p = 0; p < k; p++) {
        sum += load<f32>(pa) * load<f32>(pb);
        pa += as;
        pb += bs;
      }
      store<f32>(c + <usize>i * cs + (<usize>j << 2), epilogue1(sum, bias, j, act));
    }
  }
}

/**
 * A weight gradient stored transposed, Gt = (Aᵀ · D)ᵀ = Dᵀ · A, for units j in [j0, j1): Gt[j, i] = Σ_p D[p, j] ·
 * A[p, i] with A the layer's input [rows, m] and D the gradient at its pre-activation [rows, n], both row-major.
 * A hidden layer's D is mostly zeros (ReLU's inactive units, dropout's dropped ones: about 65% with the defaults),
 * and each unit's row of Gt is a sum of rows of A: the terms with D[p, j] = 0 are skipped, rows p kept in
 * ascending order whichever threads cut the units (a skipped term would add ±0). `scratch`: 8 bytes per row.
 */
export function weightGradientT(a: usize, m: i32, d: usize, n: i32, rows: i32, j0: i32, j1: i32, gt: usize, scratch: usize): void {
  const offsets = scratch;
  const coefs = scratch + (<usize>rows << 2);
  const rowBytes = <usize>m << 2;
  const ds = <usize>n << 2;
  for (let j = j0; j < j1; j++) {
    // The rows where unit j's gradient is not zero (byte offsets into A, coefficients), without branches.
    let count = 0;
    let pd = d + (<usize>j << 2);
    for (let p = 0; p < rows; p++) {
      const v = load<f32>(pd);
      store<u32>(offsets + (<usize>count << 2), <u32>(<usize>p * rowBytes));
      store<f32>(coefs + (<usize>count << 2), v);
      count += i32(v != 0);
      pd += ds;
    }
    const end = offsets + (<usize>count << 2);
    const out = gt + <usize>j * rowBytes;
    let i = 0;
    // 24 columns at a time in 6 accumulators (measured: 8 is slower in V8, 4 too), then 8, then 4.
    for (; i + 24 <= m; i += 24) {
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      let s2 = f32x4.splat(0);
      let s3 = f32x4.splat(0);
      let s4 = f32x4.splat(0);
      let s5 = f32x4.splat(0);
      const col = a + (<usize>i << 2);
      for (let po = offsets, pc = coefs; po < end; po += 4, pc += 4) {
        const c = v128.load32_splat(pc);
        const pa = col + <usize>load<u32>(po);
        s0 = madd(c, v128.load(pa, 0), s0);
        s1 = madd(c, v128.load(pa, 16), s1);
        s2 = madd(c, v128.load(pa, 32), s2);
        s3 = madd(c, v128.load(pa, 48), s3);
        s4 = madd(c, v128.load(pa, 64), s4);
        s5 = madd(c, v128.load(pa, 80), s5);
      }
      const o = out + (<usize>i << 2);
      v128.store(o, s0, 0);
      v128.store(o, s1, 16);
      v128.store(o, s2, 32);
      v128.store(o, s3, 48);
      v128.store(o, s4, 64);
      v128.store(o, s5, 80);
    }
    for (; i + 8 <= m; i += 8) {
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      const col = a + (<usize>i << 2);
      for (let po = offsets, pc = coefs; po < end; po += 4, pc += 4) {
        const c = v128.load32_splat(pc);
        const pa = col + <usize>load<u32>(po);
        s0 = madd(c, v128.load(pa, 0), s0);
        s1 = madd(c, v128.load(pa, 16), s1);
      }
      const o = out + (<usize>i << 2);
      v128.store(o, s0, 0);
      v128.store(o, s1, 16);
    }
    for (; i + 4 <= m; i += 4) {
      let s0 = f32x4.splat(0);
      const col = a + (<usize>i << 2);
      for (let po = offsets, pc = coefs; po < end; po += 4, pc += 4) {
        const c = v128.load32_splat(pc);
        const pa = col + <usize>load<u32>(po);
        s0 = madd(c, v128.load(pa, 0), s0);
      }
      const o = out + (<usize>i << 2);
      v128.store(o, s0, 0);
    }
    for (; i < m; i++) {
      // One lane of the same madd, so a column's sum has the same roundings as in the blocks above.
      let s0 = f32x4.splat(0);
      const col = a + (<usize>i << 2);
      for (let po = offsets, pc = coefs; po < end; po += 4, pc += 4) {
        s0 = madd(v128.load32_splat(pc), v128.load32_splat(col + <usize>load<u32>(po)), s0);
      }
      store<f32>(out + (<usize>i << 2), f32x4.extract_lane(s0, 0));
    }
  }
}

/** dst[c, r] = src[r, c] for a [rows, cols] matrix. */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f32>(dst + ((<usize>c * rows + r) << 2), load<f32>(src + ((<usize>r * cols + c) << 2)));
    }
  }
}

/** dst[j] = Σ_i src[i, j] over rows in ascending order (a bias gradient). */
export function columnSums(src: usize, rows: i32, cols: i32, dst: usize): void {
  const cs = <usize>cols << 2;
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    let sum = f32x4.splat(0);
    let p = src + (<usize>j << 2);
    for (let i = 0; i < rows; i++) {
      sum = f32x4.add(sum, v128.load(p));
      p += cs;
    }
    v128.store(dst + (<usize>j << 2), sum);
  }
  for (; j < cols; j++) {
    let sum: f32 = 0;
    let p = src + (<usize>j << 2);
    for (let i = 0; i < rows; i++) {
      sum += load<f32>(p);
      p += cs;
    }
    store<f32>(dst + (<usize>j << 2), sum);
  }
}

/** Copies rows `indices[0..count)` (u32) of x ([*, dim]) into out ([count, dim]). */
export function gatherRows(x: usize, dim: i32, indices: usize, count: i32, out: usize): void {
  const bytes = <usize>dim << 2;
  for (let r = 0; r < count; r++) {
    memory.copy(out + <usize>r * bytes, x + <usize>load<u32>(indices + (<usize>r << 2)) * bytes, bytes);
  }
}

/** murmur3's 32-bit finalizer on 4 lanes: a bijection that mixes every input bit into every output bit. */
function mix4(h0: v128): v128 {
  let h = v128.xor(h0, i32x4.shr_u(h0, 16));
  h = i32x4.mul(h, i32x4.splat(0x85ebca6b));
  h = v128.xor(h, i32x4.shr_u(h, 13));
  h = i32x4.mul(h, i32x4.splat(0xc2b2ae35));
  return v128.xor(h, i32x4.shr_u(h, 16));
}

function mix1(h0: u32): u32 {
  let h = h0 ^ (h0 >> 16);
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  return h ^ (h >> 16);
}

/** Weyl step between neighbouring elements' counters (2^32 / golden ratio, odd: a full period). */
const WEYL: u32 = 0x9e3779b9;

/**
 * Inverted dropout: mask = (u >= rate ? 1 / (1 - rate) : 0), out = src · mask. u of element i is a hash of
 * (key, i) with key a hash of the u32 at `state`, which then takes one xorshift32 step (src/lib/random.ts's
 * generator) so that the next call draws other masks. Counter-based rather than one sequential stream: every
 * element's draw is independent of the others, so it runs 4 lanes at a time (and would split across threads
 * without changing a bit).
 */
export function dropout(src: usize, out: usize, mask: usize, count: i32, rate: f64, state: usize): void {
  let s = load<u32>(state);
  const key = mix1(s);
  s ^= s << 13;
  s ^= s >> 17;
  s ^= s << 5;
  store<u32>(state, s);
  const scale = <f32>(1 / (1 - rate));
  // u / 2^32 >= rate exactly when u >= ceil(rate · 2^32) for integer u (rate < 1).
  const threshold = <u32>min(Math.ceil(rate * 4294967296), 4294967295);
  const vscale = f32x4.splat(scale);
  const vthreshold = i32x4.splat(threshold);
  let counter = i32x4.add(i32x4.splat(key), i32x4.mul(i32x4(0, 1, 2, 3), i32x4.splat(WEYL)));
  const step = i32x4.splat(WEYL * 4);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const at = <usize>i << 2;
    const keep = v128.and(vscale, i32x4.ge_u(mix4(counter), vthreshold));
    v128.store(mask + at, keep);
    v128.store(out + at, f32x4.mul(v128.load(src + at), keep));
    counter = i32x4.add(counter, step);
  }
  for (; i < count; i++) {
    const keep: f32 = mix1(key + <u32>i * WEYL) >= threshold ? scale : 0;
    const at = <usize>i << 2;
    store<f32>(mask + at, keep);
    store<f32>(out + at, load<f32>(src + at) * keep);
  }
}

/**
 * Backward through dropout and the activation: dz = da · mask · act'(y) with y the activation's output
 * (ReLU: y > 0; tanh: 1 - y²). mask = 0 means no dropout.
 */
export function activationGrad(da: usize, mask: usize, y: usize, count: i32, act: i32, dz: usize): void {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  let i = 0;
  // 4 at a time, without branches: ReLU's test is a lane mask (a branch on it would be mispredicted half the time).
  for (; i + 4 <= count; i += 4) {
    const at = <usize>i << 2;
    let g = v128.load(da + at);
    if (mask != 0) g = f32x4.mul(g, v128.load(mask + at));
    const v = v128.load(y + at);
    if (act == ACT_RELU) g = v128.and(g, f32x4.gt(v, zero));
    else if (act == ACT_TANH) g = f32x4.mul(g, f32x4.sub(one, f32x4.mul(v, v)));
    v128.store(dz + at, g);
  }
  for (; i < count; i++) {
    const at = <usize>i << 2;
    let g = load<f32>(da + at);
    if (mask != 0) g *= load<f32>(mask + at);
    const v = load<f32>(y + at);
    if (act == ACT_RELU) g = v > 0 ? g : 0;
    else if (act == ACT_TANH) g *= 1 - v * v;
    store<f32>(dz + at, g);
  }
}

/**
 * Softmax of logits z ([rows, classes]) into probabilities p, the cross-entropy of each row's label as Keras
 * computes it (probability clipped to [1e-7, 1 - 1e-7]) times the row's weight, and, when dz != 0, its gradient
 * with respect to z scaled by `scale`: (p - onehot) · weight · scale. Writes [loss sum (f64), correct (f64)] at out.
 */
export function softmaxCrossEntropy(
  z: usize, rows: i32, classes: i32, labels: usize, weights: usize, p: usize, dz: usize, scale: f32, out: usize,
): void {
  let loss: f64 = 0;
  let correct: f64 = 0;
  for (let i = 0; i < rows; i++) {
    const row = <usize>i * classes << 2;
    let max = load<f32>(z + row);
    let arg = 0;
    for (let c = 1; c < classes; c++) {
      const v = load<f32>(z + row + (<usize>c << 2));
      if (v > max) {
        max = v;
        arg = c;
      }
    }
    let sum: f32 = 0;
    for (let c = 0; c < classes; c++) {
      const e = Mathf.exp(load<f32>(z + row + (<usize>c << 2)) - max);
      store<f32>(p + row + (<usize>c << 2), e);
      sum += e;
    }
    const label = <i32>load<u32>(labels + (<usize>i << 2));
    const weight = weights != 0 ? load<f32>(weights + (<usize>i << 2)) : 1;
    for (let c = 0; c < classes; c++) {
      const q = load<f32>(p + row + (<usize>c << 2)) / sum;
      store<f32>(p + row + (<usize>c << 2), q);
      if (dz != 0) store<f32>(dz + row + (<usize>c << 2), (q - (c == label ? 1 : 0)) * weight * scale);
    }
    const q = load<f32>(p + row + (<usize>label << 2));
    const clipped = q < 1e-7 ? <f32>1e-7 : q > <f32>(1 - 1e-7) ? <f32>(1 - 1e-7) : q;
    loss -= <f64>Mathf.log(clipped) * weight;
    if (arg == label) correct += 1;
  }
  store<f64>(out, loss);
  store<f64>(out, correct, 8);
}

/** Σ w² over count floats (the L2 penalty), in f64. */
export function sumOfSquares(w: usize, count: i32): f64 {
  let acc = f32x4.splat(0);
  let total: f64 = 0;
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const v = v128.load(w + (<usize>i << 2));
    acc = f32x4.add(acc, f32x4.mul(v, v));
    // Flush to f64 now and then so a large layer does not lose precision in the f32 lanes.
    if ((i & 4095) == 4092) {
      total += <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
      acc = f32x4.splat(0);
    }
  }
  total += <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
  for (; i < count; i++) {
    const v = load<f32>(w + (<usize>i << 2));
    total += <f64>(v * v);
  }
  return total;
}

/**
 * One Adam step (TensorFlow.js's update, its bias corrections applied as products) over elements [from, to) of w, with gradient g + l2x2 · w
 * (l2x2 = 2 · L2 coefficient; the penalty l2 · Σw² has that gradient). corr1 = 1 - β1^t, corr2 = 1 - β2^t.
 */
export function adam(
  w: usize, g: usize, m: usize, v: usize, from: i32, to: i32,
  lr: f32, beta1: f32, beta2: f32, epsilon: f32, corr1: f32, corr2: f32, l2x2: f32,
): void {
  const b1 = f32x4.splat(beta1), nb1 = f32x4.splat(1 - beta1);
  const b2 = f32x4.splat(beta2), nb2 = f32x4.splat(1 - beta2);
  // The bias corrections as products by their reciprocals: a division and a square root remain per element
  // (three of them made Adam division-bound); the step differs from TensorFlow.js's by an ulp or so.
  const rc1: f32 = 1 / corr1, rc2: f32 = 1 / corr2;
  const inv1 = f32x4.splat(rc1), inv2 = f32x4.splat(rc2);
  const eps = f32x4.splat(epsilon), rate = f32x4.splat(-lr), decay = f32x4.splat(l2x2);
  let i = from;
  for (; i + 4 <= to && (i & 3) == 0; i += 4) {
    const at = <usize>i << 2;
    const wi = v128.load(w + at);
    let gi = v128.load(g + at);
    if (l2x2 != 0) gi = f32x4.add(gi, f32x4.mul(decay, wi));
    const mi = f32x4.add(f32x4.mul(v128.load(m + at), b1), f32x4.mul(gi, nb1));
    const vi = f32x4.add(f32x4.mul(v128.load(v + at), b2), f32x4.mul(f32x4.mul(gi, gi), nb2));
    v128.store(m + at, mi);
    v128.store(v + at, vi);
    const step = f32x4.div(f32x4.mul(mi, inv1), f32x4.add(f32x4.sqrt(f32x4.mul(vi, inv2)), eps));
    v128.store(w + at, f32x4.add(f32x4.mul(step, rate), wi));
  }
  for (; i < to; i++) {
    const at = <usize>i << 2;
    const wi = load<f32>(w + at);
    let gi = load<f32>(g + at);
    if (l2x2 != 0) gi = gi + l2x2 * wi;
    const mi = load<f32>(m + at) * beta1 + gi * (1 - beta1);
    const vi = load<f32>(v + at) * beta2 + gi * gi * (1 - beta2);
    store<f32>(m + at, mi);
    store<f32>(v + at, vi);
    store<f32>(w + at, (mi * rc1) / (Mathf.sqrt(vi * rc2) + epsilon) * -lr + wi);
  }
}
