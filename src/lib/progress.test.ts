import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatPace, formatProgress, formatSeconds, ProgressTracker } from './progress';

describe('progress', () => {
  it('measures rate and ETA from samples', () => {
    let t = 0;
    const tracker = new ProgressTracker('Embedding', 1000, 'img', 5000, () => t);
    tracker.update(0);
    t = 2000;
    const p = tracker.update(100);
    expect(p.rate).toBeCloseTo(50);
    expect(p.etaSeconds).toBeCloseTo(18);
    expect(formatProgress(p)).toBe('Embedding 100 / 1,000 · 50 img/s · ETA 18 s');
  });

  it('forgets samples older than its window so the rate follows a slowdown', () => {
    let t = 0;
    const tracker = new ProgressTracker('Ingest', 10_000, 'img', 1000, () => t);
    tracker.update(0);
    t = 1000;
    tracker.update(1000); // 1000/s
    t = 2000;
    tracker.update(1100);
    t = 3000;
    const p = tracker.update(1200); // 100/s lately
    expect(p.rate).toBeCloseTo(100);
  });

  it('reads work that lands in bursts at its average rate, not the burst rate', () => {
    // Two encoder sessions store their batches of 16 almost together, every 5.5 s: 32 images per 5.5 s.
    let t = 0;
    const tracker = new ProgressTracker('Embedding', 384, 'img', 5000, () => t);
    tracker.update(0);
    let p = tracker.update(0);
    for (let burst = 1; burst <= 4; burst++) {
      t = burst * 5500;
      tracker.update(burst * 32 - 16);
      t += 20;
      p = tracker.update(burst * 32);
    }
    expect(p.rate).toBeGreaterThan(4);
    expect(p.rate).toBeLessThan(7);
  });

  it('has no rate before a second sample and no ETA when done', () => {
    const tracker = new ProgressTracker('Training', 5, 'epochs', 5000, () => 0);
    const first = tracker.update(0);
    expect(Number.isNaN(first.rate)).toBe(true);
    expect(formatProgress({ ...first, done: 5 })).toBe('Training 5 / 5');
  });

  it('formats durations and sizes', () => {
    expect(formatDuration(540)).toBe('9 min');
    expect(formatDuration(5400)).toBe('1 h 30 min');
    expect(formatBytes(87_654_321)).toBe('87.7 MB');
  });

  it('writes short times with the digits they have (a forest at 0.01 s per tree)', () => {
    expect([1, 2, 5, 10, 10_000].map((trees) => formatSeconds(trees * 0.01))).toEqual(['0.01 s', '0.02 s', '0.05 s', '0.10 s', '1.7 min']);
    expect(formatSeconds(0.001)).toBe('< 0.01 s');
    expect(formatSeconds(2.44)).toBe('2.4 s');
    expect(formatSeconds(42)).toBe('42 s');
    expect(formatBytes(512)).toBe('512 B');
  });
  it('gives the time per epoch and the ETA of a training measured in fractional epochs', () => {
    let now = 0;
    const tracker = new ProgressTracker('Epoch', 10, 'epochs', 5000, () => now);
    expect(formatPace(tracker.update(0.5), 'epoch')).toBe(''); // one sample: no rate yet
    now = 5000;
    // 2.5 epochs in 5 s: 2 s per epoch, 7 epochs left.
    expect(formatPace(tracker.update(3), 'epoch')).toBe('2.0 s per epoch · ETA 14 s');
    now = 65_000;
    expect(formatPace(tracker.update(10), 'epoch')).toBe('8.6 s per epoch');
  });
});
