import { describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from './npy';

describe('npy', () => {
  it('writes the header numpy expects and reads it back', () => {
    const bytes = writeNpy(new Float32Array([1, 2, 3, 4, 5, 6]), 2, 3);
    const headerLength = new DataView(bytes.buffer).getUint16(8, true);
    expect((10 + headerLength) % 64).toBe(0);
    expect(new TextDecoder().decode(bytes.subarray(10, 10 + headerLength))).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
    const back = readNpy(bytes);
    expect([back.rows, back.cols, Array.from(back.values)]).toEqual([2, 3, [1, 2, 3, 4, 5, 6]]);
  });

  it('names what it cannot read', () => {
    expect(() => readNpy(new TextEncoder().encode('hello world'))).toThrow(/Not a \.npy file/);
    const doubles = writeNpy(new Float32Array(2), 1, 2);
    doubles.set(new TextEncoder().encode("'<f8'"), doubles.indexOf(0x27, 20));
    expect(() => readNpy(doubles)).toThrow(/not little-endian float32/);
    expect(() => readNpy(writeNpy(new Float32Array(4), 2, 2).slice(0, -4))).toThrow(/should hold 2 × 2 float32 values/);
  });
});
