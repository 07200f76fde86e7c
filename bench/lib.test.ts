import { describe, expect, it } from 'vitest';
import { record, summarize, toMarkdown } from './lib';

describe('bench records', () => {
  it('summarizes samples by median, min and max', () => {
    expect(summarize([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5 });
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
    expect(() => summarize([])).toThrow();
  });
  it('computes the ratio against the native baseline and renders a table row', () => {
    const r = record({ name: 'embed.x', unit: 'img/s', n: 8, samples: [2, 3, 4] }, { name: 'onnxruntime-node', value: 6 });
    expect(r.value).toBe(3);
    expect(r.ratio).toBeCloseTo(0.5);
    expect(r.runs).toBe(3);
    expect(toMarkdown([r])).toContain('| embed.x | 3.00 img/s | 6.00 (onnxruntime-node) | 0.50× | 3 (2.00–4.00) |');
  });
});
