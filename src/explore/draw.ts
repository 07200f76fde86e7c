/**
 * Drawing a map: one function paints a canvas (the live view and the PNG export), one writes the same picture as
 * SVG text (export and the HTML report), one writes the coordinates as CSV. Points are grouped by colour so a
 * frame sets the fill style seven times, not once per point: 36,000 points draw in a few milliseconds.
 */
import { SPLITS } from '../dataset/faceSet';
import { csvDocument } from '../lib/download';
import { EMOTION_COLOURS, EMOTIONS } from '../lib/emotions';

export const CLASS_COLOURS = EMOTIONS.map((e) => EMOTION_COLOURS[e]);
export const NO_CLASS_COLOUR = '#b5b5b5';

export interface DrawModel {
  positions: Float32Array;
  /** per point: the class that colours it, or -1 (no prediction) */
  colour: Int8Array;
  /** per point: 0 image, 1 text (text points are drawn as squares with a name) */
  modality: Uint8Array;
  names: string[];
  lines: [number, number][];
  hidden: Set<number>;
  /** points drawn with a ring (the Train confusion cell, a search hit) */
  highlight?: Set<number>;
  selection?: Set<number>;
  pinned?: number;
  probes: { x: number; y: number; label: string }[];
}

export interface Frame {
  width: number;
  height: number;
  /** data → pixel */
  x(v: number): number;
  y(v: number): number;
}

/**
 * The side of a point in CSS px, from how many share the frame: a few centroids or prompts are 9 px circles; faces
 * get about 0.4 × the side of the area each has to itself, between 4 px (the 5,000-face default sample, where 3 px
 * dots were hard to see and hover) and 8 px, and 2 px only when the map holds tens of thousands.
 */
export function pointSize(n: number, frame: { width: number; height: number }): number {
  if (n <= 100) return 9;
  const side = 0.4 * Math.sqrt((frame.width * frame.height) / n);
  return Math.round(Math.min(8, Math.max(n > 20_000 ? 2 : 4, side)));
}

/**
 * A frame that fits the points' extent (`bounds`), centred on the canvas with `pad` px to spare on the axis that
 * limits it: equal units on both axes, so distances mean the same horizontally and vertically.
 */
export function fitFrame(extent: { minX: number; maxX: number; minY: number; maxY: number }, width: number, height: number, pad: number): Frame {
  let { minX, maxX, minY, maxY } = extent;
  if (!Number.isFinite(minX) || !Number.isFinite(minY)) [minX, maxX, minY, maxY] = [-1, 1, -1, 1];
  const scale = Math.min((width - 2 * pad) / Math.max(maxX - minX, 1e-9), (height - 2 * pad) / Math.max(maxY - minY, 1e-9));
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  return { width, height, x: (v) => width / 2 + (v - cx) * scale, y: (v) => height / 2 - (v - cy) * scale };
}

/** From this many points on, points are written straight into the pixel buffer (fillRect per point is too slow). */
const FAST_FROM = 4000;

const rgba = (hex: string) => {
  const v = parseInt(hex.slice(1), 16);
  // little-endian RGBA in a Uint32: 0xAABBGGRR
  return ((255 << 24) | ((v & 0xff) << 16) | (v & 0xff00) | ((v >> 16) & 0xff)) >>> 0;
};
const PIXEL_COLOURS = [rgba(NO_CLASS_COLOUR), ...CLASS_COLOURS.map(rgba)];

/**
 * Image points as opaque squares written into an ImageData in device pixels, then one putImageData: 36,000 points
 * in a few milliseconds. Lines, rings, names and probes are drawn on top with the ordinary canvas calls.
 */
function drawPixels(context: CanvasRenderingContext2D, model: DrawModel, frame: Frame, background: boolean): number {
  const { width, height } = context.canvas;
  const ratio = width / frame.width;
  const image = background ? context.createImageData(width, height) : context.getImageData(0, 0, width, height);
  const pixels = new Uint32Array(image.data.buffer);
  if (background) pixels.fill(0xffffffff);
  const visible = Array.from({ length: EMOTIONS.length + 1 }, (_, c) => !model.hidden.has(c - 1));
  const side = Math.max(1, Math.round(pointSize(model.colour.length, frame) * ratio));
  let drawn = 0;
  for (let i = 0; i < model.colour.length; i++) {
    const c = model.colour[i] + 1;
    if (!visible[c]) continue;
    drawn++;
    const x0 = Math.round(frame.x(model.positions[2 * i]) * ratio - side / 2);
    const y0 = Math.round(frame.y(model.positions[2 * i + 1]) * ratio - side / 2);
    if (x0 >= width || y0 >= height || x0 + side <= 0 || y0 + side <= 0) continue;
    const colour = PIXEL_COLOURS[c];
    for (let y = Math.max(0, y0); y < Math.min(height, y0 + side); y++) {
      const row = y * width;
      for (let x = Math.max(0, x0); x < Math.min(width, x0 + side); x++) pixels[row + x] = colour;
    }
  }
  context.putImageData(image, 0, 0);
  return drawn;
}

/** Whether point i is drawn (its class is not hidden in the legend). */
export const isVisible = (model: DrawModel, i: number) => !model.hidden.has(model.colour[i]);

/** Paints the map; returns how many points it drew. */
export function drawMap(context: CanvasRenderingContext2D, model: DrawModel, frame: Frame, background = true): number {
  const { positions, colour, modality } = model;
  const n = colour.length;
  context.save();
  if (background) {
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, frame.width, frame.height);
  }
  context.strokeStyle = '#7a7a7a';
  context.lineWidth = 1.5;
  for (const [a, b] of model.lines) {
    if (!isVisible(model, a) && !isVisible(model, b)) continue;
    context.beginPath();
    context.moveTo(frame.x(positions[2 * a]), frame.y(positions[2 * a + 1]));
    context.lineTo(frame.x(positions[2 * b]), frame.y(positions[2 * b + 1]));
    context.stroke();
  }
  const size = pointSize(n, frame);
  const half = size / 2;
  let drawn = 0;
  if (n > FAST_FROM) drawn = drawPixels(context, model, frame, background);
  else for (let c = -1; c < EMOTIONS.length; c++) {
    if (model.hidden.has(c)) continue;
    context.fillStyle = c < 0 ? NO_CLASS_COLOUR : CLASS_COLOURS[c];
    context.globalAlpha = model.selection && model.selection.size > 0 ? 0.35 : 0.85;
    for (let i = 0; i < n; i++) {
      if (colour[i] !== c) continue;
      const px = frame.x(positions[2 * i]);
      const py = frame.y(positions[2 * i + 1]);
      if (modality[i] === 1) context.fillRect(px - half - 2, py - half - 2, size + 4, size + 4);
      else if (size >= 8) {
        context.beginPath();
        context.arc(px, py, half, 0, 2 * Math.PI);
        context.fill();
      } else context.fillRect(px - half, py - half, size, size);
      drawn++;
    }
  }
  context.globalAlpha = 1;
  if (model.selection) {
    for (const i of model.selection) {
      if (!isVisible(model, i)) continue;
      context.fillStyle = CLASS_COLOURS[colour[i]] ?? NO_CLASS_COLOUR;
      context.fillRect(frame.x(positions[2 * i]) - half, frame.y(positions[2 * i + 1]) - half, size, size);
    }
  }
  context.strokeStyle = '#111111';
  context.lineWidth = 1.5;
  for (const i of model.highlight ?? []) {
    if (!isVisible(model, i)) continue;
    context.beginPath();
    context.arc(frame.x(positions[2 * i]), frame.y(positions[2 * i + 1]), half + 3, 0, 2 * Math.PI);
    context.stroke();
  }
  if (model.pinned !== undefined) {
    context.lineWidth = 2.5;
    context.beginPath();
    context.arc(frame.x(positions[2 * model.pinned]), frame.y(positions[2 * model.pinned + 1]), half + 6, 0, 2 * Math.PI);
    context.stroke();
  }
  if (model.names.length > 0) {
    context.fillStyle = '#222222';
    context.strokeStyle = '#9a9a9a';
    context.lineWidth = 1;
    context.font = '12px system-ui, sans-serif';
    for (const label of nameLabels(model, frame, (text) => context.measureText(text).width)) {
      if (label.leader) {
        context.beginPath();
        context.moveTo(label.point.x, label.point.y);
        context.lineTo(label.leader.x, label.leader.y);
        context.stroke();
      }
      context.textAlign = label.anchor === 'start' ? 'left' : 'right';
      context.fillText(label.text, label.x, label.y);
    }
    context.textAlign = 'left';
  }
  for (const probe of model.probes) {
    const px = frame.x(probe.x);
    const py = frame.y(probe.y);
    context.fillStyle = '#111111';
    star(context, px, py, 9);
    context.font = 'bold 12px system-ui, sans-serif';
    fillLabel(context, probe.label, { x: px, y: py }, { gap: 11, dy: -8 }, 12, frame);
  }
  context.restore();
  return drawn;
}

const LABEL_FONT = 12;

/** The names of the visible named points (prompts, centroids) placed so that none overlaps another. */
function nameLabels(model: DrawModel, frame: Frame, measure: (text: string) => number): (PlacedLabel & { text: string; point: { x: number; y: number } })[] {
  const half = pointSize(model.colour.length, frame) / 2;
  const named: number[] = [];
  for (let i = 0; i < model.colour.length; i++) if (isVisible(model, i) && model.names[i]) named.push(i);
  const points = named.map((i) => ({ x: frame.x(model.positions[2 * i]), y: frame.y(model.positions[2 * i + 1]) }));
  const placed = placeLabels(
    named.map((i, k) => ({ point: points[k], width: measure(model.names[i]) })),
    { gap: half + 4, fontSize: LABEL_FONT, frame },
  );
  return placed.map((p, k) => ({ ...p, text: model.names[named[k]], point: points[k] }));
}

/** A label's box in frame pixels (top-left corner, size). */
export interface LabelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedLabel {
  /** where the text is drawn: x of its anchor side, y its baseline */
  x: number;
  y: number;
  anchor: 'start' | 'end';
  box: LabelBox;
  /** the label was moved off its point's line: draw a thin line from the point to here */
  leader?: { x: number; y: number };
}

const intersects = (a: LabelBox, b: LabelBox) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const overlapArea = (a: LabelBox, b: LabelBox) =>
  Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));

/**
 * Places point labels so that no two overlap (figs. 7 and 8, where prompts such as "A surprised human face" and
 * "A happy human face" land close together). Greedy, in order from the top: each label takes the first candidate
 * that stays inside the frame and clear of the labels placed so far: right of its point, left of it, then the same
 * one, two, … lines higher or lower (with a leader line back to the point). When none is clear (a crowd larger than
 * the frame holds) it takes the one overlapping least. Returned in the order given.
 */
export function placeLabels(
  labels: readonly { point: { x: number; y: number }; width: number }[],
  options: { gap: number; fontSize: number; frame: { width: number; height: number }; maxShift?: number },
): PlacedLabel[] {
  const { gap, fontSize, frame } = options;
  const lineHeight = fontSize + 3;
  const maxShift = options.maxShift ?? 8;
  const order = labels.map((_, i) => i).sort((a, b) => labels[a].point.y - labels[b].point.y || labels[a].point.x - labels[b].point.x);
  const placed: LabelBox[] = [];
  const result: PlacedLabel[] = new Array(labels.length);
  for (const i of order) {
    const { point, width } = labels[i];
    const candidates: PlacedLabel[] = [];
    for (let step = 0; step <= maxShift; step++) {
      for (const direction of step === 0 ? [0] : [-1, 1]) {
        const shift = direction * step * lineHeight;
        // the baseline sits a third of the font below the point's centre, as one line of text beside it
        const baseline = Math.min(Math.max(point.y + fontSize / 3 + shift, fontSize + 2), frame.height - 4);
        const top = baseline - fontSize;
        for (const anchor of ['start', 'end'] as const) {
          const x = anchor === 'start' ? point.x + gap : point.x - gap;
          const left = anchor === 'start' ? x : x - width;
          if (left < 2 || left + width > frame.width - 2) continue;
          const box = { x: left, y: top, width, height: lineHeight };
          const leader = step === 0 ? undefined : { x, y: top + lineHeight / 2 };
          candidates.push({ x, y: baseline, anchor, box, ...(leader ? { leader } : {}) });
        }
      }
    }
    if (candidates.length === 0) {
      // wider than either side: the frame-keeping placement, whatever it overlaps
      const place = labelPlacement(point, { gap, dy: fontSize / 3 }, width, fontSize, frame);
      candidates.push({ ...place, box: { x: place.anchor === 'start' ? place.x : place.x - width, y: place.y - fontSize, width, height: lineHeight } });
    }
    const clear = candidates.find((c) => placed.every((b) => !intersects(c.box, b)));
    const chosen = clear ?? candidates.reduce((best, c) => (placed.reduce((a, b) => a + overlapArea(c.box, b), 0) < placed.reduce((a, b) => a + overlapArea(best.box, b), 0) ? c : best));
    placed.push(chosen.box);
    result[i] = chosen;
  }
  return result;
}

/** Rough width of a label in the sans-serif at `fontSize` px, where it cannot be measured (SVG text). */
export const approximateTextWidth = (text: string, fontSize: number) => text.length * fontSize * 0.58;

/**
 * Where a label beside a point goes so it stays inside the frame: right of the point (`gap` px away), or left of
 * it when it would run past the right edge; its baseline kept at least one line below the top and above the
 * bottom. `anchor` is the side the text starts from (canvas textAlign / SVG text-anchor).
 */
export function labelPlacement(
  point: { x: number; y: number },
  offset: { gap: number; dy: number },
  textWidth: number,
  fontSize: number,
  frame: { width: number; height: number },
): { x: number; y: number; anchor: 'start' | 'end' } {
  const right = point.x + offset.gap;
  const fitsRight = right + textWidth <= frame.width - 2 || point.x - offset.gap - textWidth < 2;
  const y = Math.min(Math.max(point.y + offset.dy, fontSize + 2), frame.height - 4);
  return fitsRight ? { x: Math.max(2, Math.min(right, frame.width - 2 - textWidth)), y, anchor: 'start' } : { x: point.x - offset.gap, y, anchor: 'end' };
}

function fillLabel(context: CanvasRenderingContext2D, text: string, point: { x: number; y: number }, offset: { gap: number; dy: number }, fontSize: number, frame: Frame) {
  const place = labelPlacement(point, offset, context.measureText(text).width, fontSize, frame);
  context.textAlign = place.anchor === 'start' ? 'left' : 'right';
  context.fillText(text, place.x, place.y);
  context.textAlign = 'left';
}

function star(context: CanvasRenderingContext2D, x: number, y: number, r: number) {
  context.beginPath();
  for (let k = 0; k < 10; k++) {
    const radius = k % 2 ? r * 0.45 : r;
    const angle = -Math.PI / 2 + (k * Math.PI) / 5;
    context.lineTo(x + radius * Math.cos(angle), y + radius * Math.sin(angle));
  }
  context.closePath();
  context.fill();
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The same picture as an SVG document (one element per point: for export and the report, not for display). */
export function mapSvg(model: DrawModel, frame: Frame, title: string): string {
  const { positions, colour, modality } = model;
  const n = colour.length;
  const size = pointSize(n, frame);
  const half = size / 2;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${frame.width}" height="${frame.height + 24}" viewBox="0 0 ${frame.width} ${frame.height + 24}" font-family="system-ui, sans-serif">`,
    `<title>${escape(title)}</title>`,
    `<rect width="${frame.width}" height="${frame.height + 24}" fill="#ffffff"/>`,
  ];
  for (const [a, b] of model.lines) {
    parts.push(`<line x1="${frame.x(positions[2 * a]).toFixed(1)}" y1="${frame.y(positions[2 * a + 1]).toFixed(1)}" x2="${frame.x(positions[2 * b]).toFixed(1)}" y2="${frame.y(positions[2 * b + 1]).toFixed(1)}" stroke="#7a7a7a" stroke-width="1.5"/>`);
  }
  for (let i = 0; i < n; i++) {
    if (!isVisible(model, i)) continue;
    const fill = colour[i] < 0 ? NO_CLASS_COLOUR : CLASS_COLOURS[colour[i]];
    const px = frame.x(positions[2 * i]);
    const py = frame.y(positions[2 * i + 1]);
    if (modality[i] === 1) parts.push(`<rect x="${(px - half - 2).toFixed(1)}" y="${(py - half - 2).toFixed(1)}" width="${size + 4}" height="${size + 4}" fill="${fill}"/>`);
    else parts.push(`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="${half}" fill="${fill}" fill-opacity="0.85"/>`);
  }
  for (const label of nameLabels(model, frame, (text) => approximateTextWidth(text, LABEL_FONT))) {
    if (label.leader) parts.push(`<line x1="${label.point.x.toFixed(1)}" y1="${label.point.y.toFixed(1)}" x2="${label.leader.x.toFixed(1)}" y2="${label.leader.y.toFixed(1)}" stroke="#9a9a9a" stroke-width="1"/>`);
    parts.push(`<text x="${label.x.toFixed(1)}" y="${label.y.toFixed(1)}" font-size="${LABEL_FONT}" text-anchor="${label.anchor}">${escape(label.text)}</text>`);
  }
  for (const probe of model.probes) {
    parts.push(`<text x="${frame.x(probe.x).toFixed(1)}" y="${frame.y(probe.y).toFixed(1)}" font-size="16" text-anchor="middle" dominant-baseline="middle">★</text>`);
    parts.push(svgLabel(probe.label, { x: frame.x(probe.x), y: frame.y(probe.y) }, { gap: 11, dy: -8 }, frame, ' font-weight="bold"'));
  }
  for (const item of legendLayout()) {
    parts.push(`<rect x="${item.x}" y="${frame.height + 8}" width="10" height="10" fill="${item.colour}"/><text x="${item.x + 14}" y="${frame.height + 17}" font-size="12">${item.label}</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** Height of the legend row under an exported map (PNG and SVG). */
export const LEGEND_HEIGHT = 24;

/** The legend under an exported map: a swatch and the name of each emotion, left to right. */
export function legendLayout(): { x: number; colour: string; label: string }[] {
  let x = 8;
  return EMOTIONS.map((label, c) => {
    const item = { x, colour: CLASS_COLOURS[c], label };
    x += 22 + label.length * 7;
    return item;
  });
}

/** Paints the legend row with its top at `top` (the PNG export; the SVG writes the same layout as elements). */
export function drawLegend(context: CanvasRenderingContext2D, top: number): void {
  context.save();
  context.font = '12px system-ui, sans-serif';
  for (const item of legendLayout()) {
    context.fillStyle = item.colour;
    context.fillRect(item.x, top + 8, 10, 10);
    context.fillStyle = '#222222';
    context.fillText(item.label, item.x + 14, top + 17);
  }
  context.restore();
}

function svgLabel(text: string, point: { x: number; y: number }, offset: { gap: number; dy: number }, frame: Frame, attributes: string): string {
  const place = labelPlacement(point, offset, approximateTextWidth(text, 12), 12, frame);
  return `<text x="${place.x.toFixed(1)}" y="${place.y.toFixed(1)}" font-size="12" text-anchor="${place.anchor}"${attributes}>${escape(text)}</text>`;
}

/** One row per map point: image id (or the point's name), label, split, x, y. */
export function mapCsv(rows: { id: string; label: string; split: string; x: number; y: number }[]): string {
  return csvDocument(['image_id', 'label', 'split', 'x', 'y'], rows.map((r) => [r.id, r.label, r.split, r.x, r.y]));
}

export const splitName = (split: number) => SPLITS[split] ?? String(split);

/** The extent of the map's points (and of extra points such as probes), in map coordinates. */
export function bounds(positions: Float32Array, extra: readonly { x: number; y: number }[] = []): { minX: number; maxX: number; minY: number; maxY: number } {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < positions.length; i += 2) {
    minX = Math.min(minX, positions[i]);
    maxX = Math.max(maxX, positions[i]);
    minY = Math.min(minY, positions[i + 1]);
    maxY = Math.max(maxY, positions[i + 1]);
  }
  for (const p of extra) {
    minX = Math.min(minX, p.x);
    maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y);
    maxY = Math.max(maxY, p.y);
  }
  return { minX, maxX, minY, maxY };
}
