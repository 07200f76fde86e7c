/**
 * A decoder for exactly the JPEGs FER2013 is made of: baseline (or extended sequential) Huffman-coded, 8-bit,
 * one gray component. For 48×48 faces the cost of decoding is mostly per call, not per pixel: creating an
 * ImageBitmap, or crossing into WASM and building an ImageData, costs more than the decoding itself. Decoding
 * these few blocks in plain JS, straight into the 48×48 gray array the dataset stores, is several times faster.
 *
 * The output is bit-exact with libjpeg-turbo (what Pillow and the browser use) and mozjpeg: the same Huffman
 * decoding, the same accurate integer IDCT (jidctint.c, `jpeg_idct_islow`) and the same range limiting. Anything
 * else (colour, progressive, arithmetic coding, 12-bit, or data this decoder finds malformed) returns undefined so
 * the caller uses a full decoder, which then also decides how to treat damaged data.
 */

export interface GrayImage {
  width: number;
  height: number;
  /** width × height, row-major, 8-bit gray */
  pixels: Uint8Array;
}

/** jpeg_natural_order: the zigzag position k's coefficient index in the 8×8 block. */
const NATURAL_ORDER = Uint8Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57,
  50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

/**
 * libjpeg's post-IDCT range limit table, indexed by (value & 1023): clamps value + 128 to 0..255 the way libjpeg
 * does, including its wrap-around for the absurd values only corrupt data produces.
 */
const RANGE_LIMIT = (() => {
  const table = new Uint8Array(1024);
  for (let i = 0; i < 1024; i++) {
    const signed = i >= 512 ? i - 1024 : i;
    table[i] = Math.max(0, Math.min(255, signed + 128));
  }
  return table;
})();

const LOOKAHEAD = 10;

/** A Huffman table in libjpeg's derived form: a lookahead table for short codes and maxcode/valoffset for the rest. */
interface HuffmanTable {
  /** (code length << 8) | symbol for every LOOKAHEAD-bit prefix, 0 when the code is longer */
  lookup: Uint16Array;
  /**
   * For AC codes whose extra bits also fit in the prefix, the whole step at once:
   * (coefficient << 16) | (zero run << 8) | bits used; 0 otherwise. Most coefficients of a face take this path.
   */
  fastAc: Int32Array;
  maxcode: Int32Array;
  valoffset: Int32Array;
  values: Uint8Array;
  /** the DHT bytes it was built from, to reuse it when the next image defines the same table */
  source: Uint8Array;
}

function buildHuffmanTable(counts: Uint8Array, values: Uint8Array, source: Uint8Array): HuffmanTable | undefined {
  const maxcode = new Int32Array(18);
  const valoffset = new Int32Array(18);
  const lookup = new Uint16Array(1 << LOOKAHEAD);
  const fastAc = new Int32Array(1 << LOOKAHEAD);
  let code = 0;
  let p = 0;
  for (let length = 1; length <= 16; length++) {
    const n = counts[length - 1];
    if (n === 0) {
      maxcode[length] = -1;
    } else {
      valoffset[length] = p - code;
      for (let i = 0; i < n; i++, p++, code++) {
        if (length <= LOOKAHEAD) {
          const shift = LOOKAHEAD - length;
          const first = code << shift;
          const entry = (length << 8) | values[p];
          for (let j = 0; j < 1 << shift; j++) lookup[first + j] = entry;
          const size = values[p] & 15;
          if (size > 0 && length + size <= LOOKAHEAD) {
            const run = values[p] >> 4;
            for (let j = 0; j < 1 << shift; j++) {
              const extra = (j >> (shift - size)) & ((1 << size) - 1);
              const coefficient = extra < 1 << (size - 1) ? extra - (1 << size) + 1 : extra;
              fastAc[first + j] = (coefficient << 16) | (run << 8) | (length + size);
            }
          }
        }
      }
      maxcode[length] = code - 1;
    }
    // A code that no longer fits in `length` bits means the table is invalid (libjpeg: "Bogus Huffman table").
    if (code >= 1 << length) return undefined;
    code <<= 1;
  }
  maxcode[17] = 0x7fffffff;
  return { lookup, fastAc, maxcode, valoffset, values, source };
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * Every FER2013 image carries the same two Huffman tables: keeping the last ones built (keyed by their bytes) saves
 * rebuilding them 36,000 times.
 */
const tableCache: (HuffmanTable | undefined)[] = [];

function huffmanTableFor(segment: Uint8Array, counts: Uint8Array, values: Uint8Array, slot: number): HuffmanTable | undefined {
  const cached = tableCache[slot];
  if (cached && sameBytes(cached.source, segment)) return cached;
  const table = buildHuffmanTable(counts, values, segment.slice());
  tableCache[slot] = table;
  return table;
}

const CONST_BITS = 13;
const PASS1_BITS = 2;
const FIX_0_298631336 = 2446;
const FIX_0_390180644 = 3196;
const FIX_0_541196100 = 4433;
const FIX_0_765366865 = 6270;
const FIX_0_899976223 = 7373;
const FIX_1_175875602 = 9633;
const FIX_1_501321110 = 12299;
const FIX_1_847759065 = 15137;
const FIX_1_961570560 = 16069;
const FIX_2_053119869 = 16819;
const FIX_2_562915447 = 20995;
const FIX_3_072711026 = 25172;

const workspace = new Int32Array(64);
/** one output row of a block cut by the image's right edge */
const edgeRow = new Uint8Array(8);

/**
 * libjpeg's jpeg_idct_islow, line for line (32-bit arithmetic, as in its SIMD and WASM builds), writing the 8×8
 * block at (x0, y0) of `out` and cropping at the image's edge.
 */
function idctIslow(coef: Int16Array, quant: Uint16Array, out: Uint8Array, width: number, height: number, x0: number, y0: number): void {
  const ws = workspace;
  for (let c = 0; c < 8; c++) {
    if (coef[8 + c] === 0 && coef[16 + c] === 0 && coef[24 + c] === 0 && coef[32 + c] === 0 && coef[40 + c] === 0 && coef[48 + c] === 0 && coef[56 + c] === 0) {
      const dc = (coef[c] * quant[c]) << PASS1_BITS;
      ws[c] = ws[8 + c] = ws[16 + c] = ws[24 + c] = ws[32 + c] = ws[40 + c] = ws[48 + c] = ws[56 + c] = dc;
      continue;
    }
    let z2 = coef[16 + c] * quant[16 + c];
    let z3 = coef[48 + c] * quant[48 + c];
    let z1 = (z2 + z3) * FIX_0_541196100;
    let tmp2 = z1 + z3 * -FIX_1_847759065;
    let tmp3 = z1 + z2 * FIX_0_765366865;
    z2 = coef[c] * quant[c];
    z3 = coef[32 + c] * quant[32 + c];
    let tmp0 = (z2 + z3) << CONST_BITS;
    let tmp1 = (z2 - z3) << CONST_BITS;
    const tmp10 = tmp0 + tmp3;
    const tmp13 = tmp0 - tmp3;
    const tmp11 = tmp1 + tmp2;
    const tmp12 = tmp1 - tmp2;

    tmp0 = coef[56 + c] * quant[56 + c];
    tmp1 = coef[40 + c] * quant[40 + c];
    tmp2 = coef[24 + c] * quant[24 + c];
    tmp3 = coef[8 + c] * quant[8 + c];
    z1 = tmp0 + tmp3;
    z2 = tmp1 + tmp2;
    z3 = tmp0 + tmp2;
    let z4 = tmp1 + tmp3;
    const z5 = (z3 + z4) * FIX_1_175875602;
    tmp0 = tmp0 * FIX_0_298631336;
    tmp1 = tmp1 * FIX_2_053119869;
    tmp2 = tmp2 * FIX_3_072711026;
    tmp3 = tmp3 * FIX_1_501321110;
    z1 = z1 * -FIX_0_899976223;
    z2 = z2 * -FIX_2_562915447;
    z3 = z3 * -FIX_1_961570560 + z5;
    z4 = z4 * -FIX_0_390180644 + z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;

    const round = 1 << (CONST_BITS - PASS1_BITS - 1);
    const shift = CONST_BITS - PASS1_BITS;
    ws[c] = (tmp10 + tmp3 + round) >> shift;
    ws[56 + c] = (tmp10 - tmp3 + round) >> shift;
    ws[8 + c] = (tmp11 + tmp2 + round) >> shift;
    ws[48 + c] = (tmp11 - tmp2 + round) >> shift;
    ws[16 + c] = (tmp12 + tmp1 + round) >> shift;
    ws[40 + c] = (tmp12 - tmp1 + round) >> shift;
    ws[24 + c] = (tmp13 + tmp0 + round) >> shift;
    ws[32 + c] = (tmp13 - tmp0 + round) >> shift;
  }

  const rows = Math.min(8, height - y0);
  const cols = Math.min(8, width - x0);
  const full = cols === 8;
  for (let r = 0, w = 0; r < rows; r++, w += 8) {
    const o = (y0 + r) * width + x0;
    const target = full ? out : edgeRow;
    const t = full ? o : 0;
    if (ws[w + 1] === 0 && ws[w + 2] === 0 && ws[w + 3] === 0 && ws[w + 4] === 0 && ws[w + 5] === 0 && ws[w + 6] === 0 && ws[w + 7] === 0) {
      const v = RANGE_LIMIT[((ws[w] + (1 << (PASS1_BITS + 2))) >> (PASS1_BITS + 3)) & 1023];
      target.fill(v, t, t + 8);
    } else {
      let z2 = ws[w + 2];
      let z3 = ws[w + 6];
      let z1 = (z2 + z3) * FIX_0_541196100;
      let tmp2 = z1 + z3 * -FIX_1_847759065;
      let tmp3 = z1 + z2 * FIX_0_765366865;
      let tmp0 = (ws[w] + ws[w + 4]) << CONST_BITS;
      let tmp1 = (ws[w] - ws[w + 4]) << CONST_BITS;
      const tmp10 = tmp0 + tmp3;
      const tmp13 = tmp0 - tmp3;
      const tmp11 = tmp1 + tmp2;
      const tmp12 = tmp1 - tmp2;

      tmp0 = ws[w + 7];
      tmp1 = ws[w + 5];
      tmp2 = ws[w + 3];
      tmp3 = ws[w + 1];
      z1 = tmp0 + tmp3;
      z2 = tmp1 + tmp2;
      z3 = tmp0 + tmp2;
      let z4 = tmp1 + tmp3;
      const z5 = (z3 + z4) * FIX_1_175875602;
      tmp0 = tmp0 * FIX_0_298631336;
      tmp1 = tmp1 * FIX_2_053119869;
      tmp2 = tmp2 * FIX_3_072711026;
      tmp3 = tmp3 * FIX_1_501321110;
      z1 = z1 * -FIX_0_899976223;
      z2 = z2 * -FIX_2_562915447;
      z3 = z3 * -FIX_1_961570560 + z5;
      z4 = z4 * -FIX_0_390180644 + z5;
      tmp0 += z1 + z3;
      tmp1 += z2 + z4;
      tmp2 += z2 + z3;
      tmp3 += z1 + z4;

      const round = 1 << (CONST_BITS + PASS1_BITS + 2);
      const shift = CONST_BITS + PASS1_BITS + 3;
      target[t] = RANGE_LIMIT[((tmp10 + tmp3 + round) >> shift) & 1023];
      target[t + 7] = RANGE_LIMIT[((tmp10 - tmp3 + round) >> shift) & 1023];
      target[t + 1] = RANGE_LIMIT[((tmp11 + tmp2 + round) >> shift) & 1023];
      target[t + 6] = RANGE_LIMIT[((tmp11 - tmp2 + round) >> shift) & 1023];
      target[t + 2] = RANGE_LIMIT[((tmp12 + tmp1 + round) >> shift) & 1023];
      target[t + 5] = RANGE_LIMIT[((tmp12 - tmp1 + round) >> shift) & 1023];
      target[t + 3] = RANGE_LIMIT[((tmp13 + tmp0 + round) >> shift) & 1023];
      target[t + 4] = RANGE_LIMIT[((tmp13 - tmp0 + round) >> shift) & 1023];
    }
    if (!full) out.set(edgeRow.subarray(0, cols), o);
  }
}

/** Thrown inside the decoder for anything it does not handle; never escapes decodeGrayJpeg. */
class Unsupported extends Error {}

/**
 * Scratch arrays reused from image to image. Typed arrays over 64 bytes get their memory outside V8's heap, and in
 * a browser worker allocating (and collecting) a few per image cost as much as decoding it.
 */
const quantTables = [new Uint16Array(64), new Uint16Array(64), new Uint16Array(64), new Uint16Array(64)];
const coefficients = new Int16Array(64);

function decode(data: Uint8Array, target: Uint8Array | undefined): GrayImage {
  if (data[0] !== 0xff || data[1] !== 0xd8) throw new Unsupported('not a JPEG');
  const quant: (Uint16Array | undefined)[] = [];
  const dcTables: (HuffmanTable | undefined)[] = [];
  const acTables: (HuffmanTable | undefined)[] = [];
  let width = 0;
  let height = 0;
  let quantSlot = -1;
  let restartInterval = 0;
  let pos = 2;
  for (;;) {
    if (pos + 4 > data.length) throw new Unsupported('no scan');
    if (data[pos] !== 0xff) throw new Unsupported('expected a marker');
    const marker = data[pos + 1];
    if (marker === 0xff) {
      pos++;
      continue;
    }
    const length = (data[pos + 2] << 8) | data[pos + 3];
    const start = pos + 4;
    const end = pos + 2 + length;
    if (length < 2 || end > data.length) throw new Unsupported('segment overruns the file');
    if (marker === 0xc0 || marker === 0xc1) {
      if (width) throw new Unsupported('two frames');
      if (data[start] !== 8 || data[start + 5] !== 1) throw new Unsupported('not 8-bit gray');
      height = (data[start + 1] << 8) | data[start + 2];
      width = (data[start + 3] << 8) | data[start + 4];
      quantSlot = data[start + 8];
      if (!width || !height) throw new Unsupported('no size');
    } else if ((marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xdc) {
      throw new Unsupported('progressive, lossless, arithmetic or DNL');
    } else if (marker === 0xdb) {
      for (let p = start; p < end; ) {
        const precision = data[p] >> 4;
        const slot = data[p] & 15;
        if (slot > 3) throw new Unsupported('bad quantization table');
        const table = quantTables[slot];
        p++;
        for (let k = 0; k < 64; k++) {
          table[NATURAL_ORDER[k]] = precision ? (data[p] << 8) | data[p + 1] : data[p];
          p += precision ? 2 : 1;
        }
        quant[slot] = table;
      }
    } else if (marker === 0xc4) {
      for (let p = start; p < end; ) {
        const cls = data[p] >> 4;
        const slot = data[p] & 15;
        if (cls > 1 || slot > 3) throw new Unsupported('bad Huffman table');
        const counts = data.subarray(p + 1, p + 17);
        let total = 0;
        for (let i = 0; i < 16; i++) total += counts[i];
        if (total > 256 || p + 17 + total > end) throw new Unsupported('bad Huffman table');
        const values = data.subarray(p + 17, p + 17 + total);
        const table = huffmanTableFor(data.subarray(p, p + 17 + total), counts, values, cls * 4 + slot);
        if (!table) throw new Unsupported('bad Huffman table');
        (cls ? acTables : dcTables)[slot] = table;
        p += 17 + total;
      }
    } else if (marker === 0xdd) {
      restartInterval = (data[start] << 8) | data[start + 1];
    } else if (marker === 0xda) {
      if (!width) throw new Unsupported('scan before frame');
      if (data[start] !== 1) throw new Unsupported('not one component');
      const dc = dcTables[data[start + 2] >> 4];
      const ac = acTables[data[start + 2] & 15];
      const q = quant[quantSlot];
      const ss = data[start + 3];
      const se = data[start + 4];
      if (!dc || !ac || !q || ss !== 0 || se !== 63 || data[start + 5] !== 0) throw new Unsupported('incomplete tables or not sequential');
      const pixels = target && target.length === width * height ? target : new Uint8Array(width * height);
      return decodeScan(data, end, pixels, width, height, dc, ac, q, restartInterval);
    } else if (marker === 0xd9) {
      throw new Unsupported('no scan');
    }
    pos = end;
  }
}

/** The entropy-coded data with byte stuffing removed, plus zero bytes so reads past its end need no checks. */
let clean = new Uint8Array(8192);
/** where each restart interval's data starts in `clean` */
let restartAt = new Int32Array(64);
const TAIL = 8;

/**
 * Copies the scan's data into `clean` without its 0xFF00 stuffing, up to the marker that ends it, noting where the
 * RSTn markers were. Returns the data's length; a missing or out-of-order RSTn makes the decoder bow out.
 */
function unstuff(data: Uint8Array, start: number): { length: number; restarts: number } {
  if (clean.length < data.length - start + TAIL) clean = new Uint8Array((data.length - start + TAIL) * 2);
  let n = 0;
  let restarts = 0;
  let pos = start;
  while (pos < data.length) {
    const byte = data[pos];
    if (byte !== 0xff) {
      clean[n++] = byte;
      pos++;
      continue;
    }
    const next = data[pos + 1];
    if (next === 0) {
      clean[n++] = 0xff;
      pos += 2;
    } else if (next >= 0xd0 && next <= 0xd7) {
      if ((next & 7) !== (restarts & 7)) throw new Unsupported('restart markers out of order');
      if (restarts === restartAt.length) {
        const grown = new Int32Array(restarts * 2);
        grown.set(restartAt);
        restartAt = grown;
      }
      restartAt[restarts++] = n;
      pos += 2;
    } else if (next === 0xff) {
      pos++; // fill byte before a marker
    } else break;
  }
  clean.fill(0, n, n + TAIL);
  return { length: n, restarts };
}

/** Code length and symbol of a Huffman code longer than the lookahead, packed as (length << 8) | symbol. */
function decodeLongCode(table: HuffmanTable, acc: number, bits: number): number {
  for (let length = LOOKAHEAD + 1; length <= 16; length++) {
    const code = (acc >>> (bits - length)) & ((1 << length) - 1);
    if (code <= table.maxcode[length]) return (length << 8) | table.values[code + table.valoffset[length]];
  }
  throw new Unsupported('bad Huffman code');
}

function decodeScan(
  data: Uint8Array,
  start: number,
  pixels: Uint8Array,
  width: number,
  height: number,
  dc: HuffmanTable,
  ac: HuffmanTable,
  quant: Uint16Array,
  restartInterval: number,
): GrayImage {
  const blocksX = Math.ceil(width / 8);
  const blocksY = Math.ceil(height / 8);
  const { length, restarts } = unstuff(data, start);
  const source = clean;
  const dcLookup = dc.lookup;
  const acLookup = ac.lookup;
  const acFast = ac.fastAc;
  const coef = coefficients;
  // The bit reader lives in locals: V8 keeps them in registers, where fields of a reader object would be memory.
  let acc = 0;
  let bits = 0;
  let p = 0;
  let pred = 0;
  let restart = 0;
  let end = restarts > 0 ? restartAt[0] : length;
  for (let by = 0, n = 0; by < blocksY; by++) {
    for (let bx = 0; bx < blocksX; bx++, n++) {
      if (restartInterval && n > 0 && n % restartInterval === 0) {
        // libjpeg drops the rest of the byte and resynchronises at the marker.
        if (p * 8 - bits > end * 8 || restart >= restarts) throw new Unsupported('restart interval overruns its data');
        p = restartAt[restart++];
        end = restart < restarts ? restartAt[restart] : length;
        acc = 0;
        bits = 0;
        pred = 0;
      }
      coef.fill(0);

      while (bits <= 24) {
        acc = (acc << 8) | source[p++];
        bits += 8;
      }
      let entry = dcLookup[(acc >>> (bits - LOOKAHEAD)) & ((1 << LOOKAHEAD) - 1)];
      if (entry === 0) entry = decodeLongCode(dc, acc, bits);
      bits -= entry >> 8;
      const s = entry & 0xff;
      if (s) {
        if (s > 11) throw new Unsupported('bad DC size');
        if (bits < s) {
          while (bits <= 24) {
            acc = (acc << 8) | source[p++];
            bits += 8;
          }
        }
        bits -= s;
        const v = (acc >>> bits) & ((1 << s) - 1);
        pred += v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
      }
      coef[0] = pred;

      let last = 0;
      for (let k = 1; k < 64; k++) {
        while (bits <= 24) {
          acc = (acc << 8) | source[p++];
          bits += 8;
        }
        const index = (acc >>> (bits - LOOKAHEAD)) & ((1 << LOOKAHEAD) - 1);
        const fast = acFast[index];
        if (fast !== 0) {
          bits -= fast & 0xff;
          k += (fast >> 8) & 0xff;
          if (k > 63) throw new Unsupported('coefficient past the block');
          coef[NATURAL_ORDER[k]] = fast >> 16;
          last = k;
          continue;
        }
        let rs = acLookup[index];
        if (rs === 0) rs = decodeLongCode(ac, acc, bits);
        bits -= rs >> 8;
        const size = rs & 15;
        const run = (rs >> 4) & 15;
        if (size) {
          k += run;
          if (k > 63) throw new Unsupported('coefficient past the block');
          if (bits < size) {
            while (bits <= 24) {
              acc = (acc << 8) | source[p++];
              bits += 8;
            }
          }
          bits -= size;
          const v = (acc >>> bits) & ((1 << size) - 1);
          coef[NATURAL_ORDER[k]] = v < 1 << (size - 1) ? v - (1 << size) + 1 : v;
          last = k;
        } else if (run === 15) {
          k += 15;
        } else break;
      }
      if (p * 8 - bits > end * 8) throw new Unsupported('data ended early');

      if (last === 0) fillBlock(pixels, width, height, bx * 8, by * 8, RANGE_LIMIT[(((coef[0] * quant[0]) << PASS1_BITS) + (1 << (PASS1_BITS + 2))) >> (PASS1_BITS + 3) & 1023]);
      else idctIslow(coef, quant, pixels, width, height, bx * 8, by * 8);
    }
  }
  return { width, height, pixels };
}

/** A block with only its DC term is flat: the value jpeg_idct_islow gives for every pixel of it. */
function fillBlock(out: Uint8Array, width: number, height: number, x0: number, y0: number, value: number): void {
  const rows = Math.min(8, height - y0);
  const cols = Math.min(8, width - x0);
  for (let r = 0; r < rows; r++) {
    const o = (y0 + r) * width + x0;
    out.fill(value, o, o + cols);
  }
}

/**
 * The decoded gray image, or undefined when this JPEG needs a full decoder (see the file comment). When `target`
 * has exactly the image's size the pixels are decoded into it (then possibly partly written if this fails).
 */
export function decodeGrayJpeg(data: Uint8Array, target?: Uint8Array): GrayImage | undefined {
  try {
    return decode(data, target);
  } catch (error) {
    if (error instanceof Unsupported || error instanceof RangeError) return undefined;
    throw error;
  }
}
