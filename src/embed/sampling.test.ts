import { describe, expect, it } from 'vitest';
import { stratifiedOrder } from './sampling';

describe('stratifiedOrder', () => {
  // 1,000 images: label = i % 10 except a rare label 9 (10 images), split = i < 800 ? train : test
  const labels = Array.from({ length: 1000 }, (_, i) => (i % 100 === 99 ? 9 : i % 9));
  const splits = Array.from({ length: 1000 }, (_, i) => (i < 800 ? 0 : 1));

  it('puts a sample with each group’s share first, then everything else once', () => {
    const order = stratifiedOrder(labels, splits, 100, 7);
    expect(new Set(order).size).toBe(1000);
    const sample = order.slice(0, 100);
    const testShare = sample.filter((i) => splits[i] === 1).length;
    expect(testShare).toBeGreaterThanOrEqual(17);
    expect(testShare).toBeLessThanOrEqual(23);
    expect(sample.some((i) => labels[i] === 9)).toBe(true);
  });

  it('is the same for the same seed and differs for another', () => {
    expect(stratifiedOrder(labels, splits, 50, 3)).toEqual(stratifiedOrder(labels, splits, 50, 3));
    expect(stratifiedOrder(labels, splits, 50, 3)).not.toEqual(stratifiedOrder(labels, splits, 50, 4));
  });
});
