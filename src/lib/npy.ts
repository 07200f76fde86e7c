/**
 * NumPy's .npy format (version 1.0) for 2-d float32 arrays: what numpy.load reads and numpy.save writes, so embeddings
 * move between Facet and Python (or a GPU machine) without conversion.
 */
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function writeNpy(values: Float32Array, rows: number, cols: number): Uint8Array {
  if (values.length !== rows * cols) throw new Error(`${values.length} values are not ${rows} × ${cols}`);
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  // The header, with its 10-byte preamble, pads to a multiple of 64 and ends in a newline.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + values.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), total);
  return out;
}

export function readNpy(bytes: Uint8Array): { values: Float32Array; rows: number; cols: number } {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error('Not a .npy file (no \\x93NUMPY signature)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  if (descr !== '<f4') throw new Error(`The .npy holds ${descr ?? 'an unknown type'}, not little-endian float32 (<f4)`);
  if (/'fortran_order':\s*True/.test(header)) throw new Error('The .npy is in Fortran order; save it in C order');
  const shape = /'shape':\s*\((\d+),\s*(\d+)\s*,?\)/.exec(header);
  if (!shape) throw new Error(`The .npy is not a 2-d array (header ${header.trim()})`);
  const rows = Number(shape[1]);
  const cols = Number(shape[2]);
  const dataStart = start + headerLength;
  if (bytes.length - dataStart !== rows * cols * 4) throw new Error(`The .npy should hold ${rows} × ${cols} float32 values but has ${bytes.length - dataStart} bytes of data`);
  const values = new Float32Array(rows * cols);
  new Uint8Array(values.buffer).set(bytes.subarray(dataStart));
  return { values, rows, cols };
}
