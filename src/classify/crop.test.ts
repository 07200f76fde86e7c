import { describe, expect, it } from 'vitest';
import { cropCorners, cropFromBox, cropFromDrag, cropFromEyes, FER_FRAMING, scaleCrop, toFrame } from './crop';

describe('crop geometry', () => {
  it('puts level eyes where FER2013 has them, centred', () => {
    const left = { x: 100, y: 200 };
    const right = { x: 170.8, y: 200 };
    const crop = cropFromEyes(left, right);
    expect(crop.angle).toBe(0);
    expect(crop.size).toBeCloseTo(70.8 / FER_FRAMING.eyeDistance, 9);
    const l = toFrame(crop, left);
    const r = toFrame(crop, right);
    expect(l.y).toBeCloseTo(48 * FER_FRAMING.eyeLine, 9);
    expect(r.y).toBeCloseTo(48 * FER_FRAMING.eyeLine, 9);
    expect((l.x + r.x) / 2).toBeCloseTo(24, 9);
    expect(r.x - l.x).toBeCloseTo(48 * FER_FRAMING.eyeDistance, 9);
  });

  it('levels tilted eyes: both land on the eye line, the crop turned by the tilt', () => {
    const left = { x: 300, y: 400 };
    const right = { x: 300 + 60 * Math.cos(0.3), y: 400 + 60 * Math.sin(0.3) };
    const crop = cropFromEyes(left, right);
    expect(crop.angle).toBeCloseTo(0.3, 12);
    for (const eye of [left, right]) expect(toFrame(crop, eye).y).toBeCloseTo(48 * FER_FRAMING.eyeLine, 9);
    // The chin side of the frame lies below the eyes, perpendicular to the eye line.
    const [topLeft, , , bottomLeft] = cropCorners(crop);
    expect(Math.atan2(bottomLeft.y - topLeft.y, bottomLeft.x - topLeft.x)).toBeCloseTo(0.3 + Math.PI / 2, 9);
  });

  it('works whichever eye is given first (the eye line flips the frame over)', () => {
    const crop = cropFromEyes({ x: 170, y: 200 }, { x: 100, y: 200 });
    expect(Math.abs(crop.angle)).toBeCloseTo(Math.PI, 9);
  });

  it('frames a detection box, slightly larger and shifted down', () => {
    const crop = cropFromBox({ x: 10, y: 20, width: 100, height: 120 });
    expect(crop).toEqual({ cx: 60, cy: 80 + FER_FRAMING.boxShift * 120, size: 120 * FER_FRAMING.boxScale, angle: 0 });
  });

  it('a drag draws a square from its start toward its end, whichever direction', () => {
    expect(cropFromDrag({ x: 10, y: 10 }, { x: 50, y: 30 })).toEqual({ cx: 30, cy: 30, size: 40, angle: 0 });
    expect(cropFromDrag({ x: 50, y: 50 }, { x: 20, y: 45 })).toEqual({ cx: 35, cy: 35, size: 30, angle: 0 });
    expect(cropFromDrag({ x: 5, y: 5 }, { x: 6, y: 6 }).size).toBe(8);
  });

  it('corners and frame coordinates agree; scaling keeps the angle', () => {
    const crop = { cx: 50, cy: 60, size: 40, angle: 0.7 };
    const frame = cropCorners(crop).map((p) => toFrame(crop, p));
    [
      [0, 0],
      [48, 0],
      [48, 48],
      [0, 48],
    ].forEach(([x, y], i) => {
      expect(frame[i].x).toBeCloseTo(x, 9);
      expect(frame[i].y).toBeCloseTo(y, 9);
    });
    expect(scaleCrop(crop, 2)).toEqual({ cx: 100, cy: 120, size: 80, angle: 0.7 });
  });
});
