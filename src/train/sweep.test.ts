import { describe, expect, it } from 'vitest';
import { DEFAULT_MLP } from './mlp';
import { parseHiddenList, parseNumberList, sortSweepRows, sweepConfigs, type SweepRow } from './sweep';

describe('sweep grid', () => {
  it('expands every combination and keeps the other settings', () => {
    const configs = sweepConfigs({ hidden: [[512], [256, 128]], learningRate: [1e-3, 3e-4], dropout: [0, 0.3, 0.5] }, { ...DEFAULT_MLP, epochs: 7 });
    expect(configs).toHaveLength(12);
    expect(configs.every((c) => c.epochs === 7)).toBe(true);
    expect(new Set(configs.map((c) => `${c.hidden}|${c.learningRate}|${c.dropout}`)).size).toBe(12);
    expect(configs[0]).toMatchObject({ hidden: [512], learningRate: 1e-3, dropout: 0 });
    expect(configs[11]).toMatchObject({ hidden: [256, 128], learningRate: 3e-4, dropout: 0.5 });
  });

  it('parses hidden sizes and lists, naming the bad entry', () => {
    expect(parseHiddenList('512; 256-128; linear')).toEqual([[512], [256, 128], []]);
    expect(() => parseHiddenList('512; abc')).toThrow(/"abc"/);
    expect(parseNumberList('0.001, 3e-4', 'Sweep learning rates', (v) => v > 0, 'a positive number')).toEqual([0.001, 0.0003]);
    expect(() => parseNumberList('0.2, 1.5', 'Sweep dropouts', (v) => v >= 0 && v < 1, 'from 0 to below 1')).toThrow(/Sweep dropouts: "1.5" is not from 0 to below 1/);
    expect(() => parseNumberList(' , ', 'Sweep dropouts', () => true, '')).toThrow(/at least one/);
  });

  it('sorts rows by a column either way, NaN last', () => {
    const row = (index: number, valAccuracy: number, seconds: number) =>
      ({ index, valAccuracy, seconds, testAccuracy: 0, epochs: 1, hidden: [], learningRate: 0, dropout: 0, trainAccuracy: 0, bestEpoch: 1 }) as SweepRow;
    const rows = [row(0, 0.5, 3), row(1, NaN, 1), row(2, 0.7, 2)];
    expect(sortSweepRows(rows, 'valAccuracy', true).map((r) => r.index)).toEqual([2, 0, 1]);
    expect(sortSweepRows(rows, 'valAccuracy', false).map((r) => r.index)).toEqual([0, 2, 1]);
    expect(sortSweepRows(rows, 'seconds', false).map((r) => r.index)).toEqual([1, 2, 0]);
  });
});
