import { describe, expect, it } from 'vitest';
import { approximateTextWidth, fitFrame, labelPlacement, placeLabels, pointSize, type LabelBox } from './draw';

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

describe('placeLabels', () => {
  const PROMPTS = ['angry', 'disgusted', 'fearful', 'happy', 'sad', 'surprised', 'neutral'].map((e) => `A ${e} human face`);
  const mapFrame = { width: 760, height: 520 };
  const overlaps = (boxes: LabelBox[]) =>
    boxes.flatMap((a, i) => boxes.slice(i + 1).filter((b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height).map((b) => [a, b]));

  it('keeps the seven prompts’ labels apart when their points crowd together (fig. 7)', () => {
    // seven prompt points within 30 px of each other, as CLIP's text embeddings of the paper's prompts land
    const points = [
      [380, 250], [392, 256], [376, 262], [400, 244], [385, 270], [396, 262], [370, 246],
    ].map(([x, y]) => ({ x, y }));
    const labels = points.map((point, i) => ({ point, width: approximateTextWidth(PROMPTS[i], 12) }));
    // the placement beside each point alone stacks them on each other
    const naive = labels.map(({ point, width }) => {
      const p = labelPlacement(point, { gap: 8, dy: 4 }, width, 12, mapFrame);
      return { x: p.anchor === 'start' ? p.x : p.x - width, y: p.y - 12, width, height: 15 };
    });
    expect(overlaps(naive).length).toBeGreaterThan(0);
    const placed = placeLabels(labels, { gap: 8, fontSize: 12, frame: mapFrame });
    expect(overlaps(placed.map((p) => p.box))).toEqual([]);
    for (const { box } of placed) {
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(mapFrame.width);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(mapFrame.height);
    }
    // a label moved off its point's line is joined to it by a leader
    expect(placed.filter((p) => p.leader).length).toBeGreaterThan(0);
  });

  it('leaves a label that has room beside its point there, on the point’s line', () => {
    const [p] = placeLabels([{ point: { x: 100, y: 200 }, width: 80 }], { gap: 8, fontSize: 12, frame: mapFrame });
    expect(p).toEqual({ x: 108, y: 204, anchor: 'start', box: { x: 108, y: 192, width: 80, height: 15 } });
  });

  it('keeps labels apart at the frame’s edges too (fig. 8: centroids and prompts near a border)', () => {
    const labels = PROMPTS.map((text, i) => ({ point: { x: 740, y: 10 + 4 * i }, width: approximateTextWidth(text, 12) }));
    const placed = placeLabels(labels, { gap: 8, fontSize: 12, frame: mapFrame });
    expect(overlaps(placed.map((p) => p.box))).toEqual([]);
    expect(placed.every((p) => p.anchor === 'end')).toBe(true);
  });
});

describe('pointSize and fitFrame', () => {
  const mapFrame = { width: 760, height: 520 };
  it('draws a few centroids large and faces larger than 3 px up to thousands, smaller as they get many', () => {
    expect(pointSize(7, mapFrame)).toBe(9);
    const sizes = [385, 2000, 5000, 10_000, 36_000].map((n) => pointSize(n, mapFrame));
    expect(sizes.slice(0, 4).every((s) => s >= 4)).toBe(true);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(sizes[4]).toBeLessThan(4);
  });

  it('centres the points’ extent on the canvas and fills it on the limiting axis', () => {
    const frame = fitFrame({ minX: -10, maxX: 30, minY: 0, maxY: 10 }, 760, 520, 24);
    expect((frame.x(-10) + frame.x(30)) / 2).toBeCloseTo(380);
    expect((frame.y(0) + frame.y(10)) / 2).toBeCloseTo(260);
    expect(frame.x(-10)).toBeCloseTo(24);
    expect(frame.x(30)).toBeCloseTo(736);
    // equal units: 10 units up are as many pixels as 10 units across
    expect(frame.y(0) - frame.y(10)).toBeCloseTo(frame.x(10) - frame.x(0));
  });
});
