import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PartialOutput, type PartialMeta } from './partialOutput';

const meta: PartialMeta = { datasetId: 'abc', representation: { kind: 'clip', model: 'test/tiny', precision: 'fp32', dim: 3 } };
const out = () => join(mkdtempSync(join(tmpdir(), 'facet-partial-')), 'out.zip');
const rows = (n: number, from = 0) => Float32Array.from({ length: n * 3 }, (_, i) => from * 3 + i);

describe('PartialOutput', () => {
  it('gives back what earlier runs appended', () => {
    const path = out();
    const first = PartialOutput.open(path, meta);
    expect(first.ids).toEqual([]);
    first.append(['a', 'b'], rows(2));
    first.append(['c'], rows(1, 2));
    const again = PartialOutput.open(path, meta);
    expect(again.ids).toEqual(['a', 'b', 'c']);
    expect([...again.vectors]).toEqual([...rows(3)]);
  });

  it('drops a row whose id line or vector was cut off by a crash', () => {
    const path = out();
    const first = PartialOutput.open(path, meta);
    first.append(['a', 'b'], rows(2));
    appendFileSync(join(`${path}.partial`, 'vectors.f32'), new Uint8Array(rows(1, 2).buffer).subarray(0, 7)); // half a vector
    appendFileSync(join(`${path}.partial`, 'ids.txt'), 'c'); // an id line without its newline
    const again = PartialOutput.open(path, meta);
    expect(again.ids).toEqual(['a', 'b']);
    expect(again.vectors.length).toBe(6);
    again.append(['c'], rows(1, 2));
    expect(PartialOutput.open(path, meta).ids).toEqual(['a', 'b', 'c']);
  });

  it('refuses the partial run of another model unless told to restart', () => {
    const path = out();
    PartialOutput.open(path, meta).append(['a'], rows(1));
    const other: PartialMeta = { ...meta, representation: { ...meta.representation, precision: 'quantized' } };
    expect(() => PartialOutput.open(path, other)).toThrow(/another dataset or model.*--restart/);
    expect(PartialOutput.open(path, other, true).ids).toEqual([]);
  });

  it('replaces the partial folder with the finished file', () => {
    const path = out();
    const partial = PartialOutput.open(path, meta);
    partial.finish(path, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    expect(existsSync(`${path}.partial`)).toBe(false);
  });
});
