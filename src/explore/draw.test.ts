import { describe, expect, it } from 'vitest';
import { labelPlacement } from './draw';

const frame = { width: 720, height: 480 };
const offset = { gap: 11, dy: -8 };

describe('labelPlacement', () => {
  it('puts a label right of its point where it fits', () => {
    expect(labelPlacement({ x: 100, y: 200 }, offset, 150, 12, frame)).toEqual({ x: 111, y: 192, anchor: 'start' });
  });

  it('puts a label left of its point when it would run past the right edge', () => {
    const place = labelPlacement({ x: 680, y: 200 }, offset, 150, 12, frame);
    expect(place).toEqual({ x: 669, y: 192, anchor: 'end' });
    expect(place.x - 150).toBeGreaterThanOrEqual(0);
  });

  it('keeps a label wider than either side inside the frame', () => {
    const place = labelPlacement({ x: 360, y: 200 }, offset, 700, 12, frame);
    expect(place.anchor).toBe('start');
    expect(place.x).toBeGreaterThanOrEqual(2);
    expect(place.x + 700).toBeLessThanOrEqual(frame.width);
  });

  it('keeps the baseline a line below the top and above the bottom edge', () => {
    expect(labelPlacement({ x: 100, y: 3 }, offset, 50, 12, frame).y).toBe(14);
    expect(labelPlacement({ x: 100, y: 479 }, { gap: 8, dy: 4 }, 50, 12, frame).y).toBe(476);
  });
});
