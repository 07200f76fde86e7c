/**
 * How an occlusion map looks, shared by the page (canvas) and the HTML report (SVG): a diverging scale, red where
 * hiding the region lowers the class's probability (the prediction rests on it), blue where hiding it raises it,
 * symmetric around 0 so the two sides compare.
 */
import { EMOTIONS } from '../lib/emotions';

const SUPPORTS: readonly [number, number, number] = [200, 30, 30];
const OPPOSES: readonly [number, number, number] = [40, 90, 200];

/** The scale's end: the largest absolute drop (never 0, so a flat map draws as no colour). */
export const scaleMax = (values: ArrayLike<number>) => Math.max(1e-6, ...Array.from(values, Math.abs));

/** Colour and opacity (0–0.8) of one value on a ±max scale. */
export function dropColour(value: number, max: number): { rgb: readonly [number, number, number]; alpha: number } {
  return { rgb: value >= 0 ? SUPPORTS : OPPOSES, alpha: Math.min(1, Math.abs(value) / max) * 0.8 };
}

/** RGBA pixels of a heatmap laid over a gray face (or over mid-grey when there is none). */
export function heatmapRgba(heatmap: Float32Array, max: number, face?: Uint8Array): Uint8ClampedArray {
  const out = new Uint8ClampedArray(heatmap.length * 4);
  for (let i = 0; i < heatmap.length; i++) {
    const grey = face ? face[i] : 160;
    const { rgb, alpha } = dropColour(heatmap[i], max);
    for (let c = 0; c < 3; c++) out[i * 4 + c] = grey * (1 - alpha) + rgb[c] * alpha;
    out[i * 4 + 3] = 255;
  }
  return out;
}

const hex = (rgba: Uint8ClampedArray, i: number) => `#${[0, 1, 2].map((c) => rgba[i * 4 + c].toString(16).padStart(2, '0')).join('')}`;

/**
 * A heatmap as an SVG image: runs of equal colour along each row are one rectangle, so a map at the grid's
 * resolution stays a few hundred elements. `caption` must be Facet's own text (it is escaped anyway).
 */
export function heatmapSvg(heatmap: Float32Array, side: number, max: number, caption: string, face?: Uint8Array, scale = 3): string {
  const rgba = heatmapRgba(heatmap, max, face);
  const rects: string[] = [];
  for (let y = 0; y < side; y++) {
    let x = 0;
    while (x < side) {
      const colour = hex(rgba, y * side + x);
      let end = x + 1;
      while (end < side && hex(rgba, y * side + end) === colour) end++;
      rects.push(`<rect x="${x * scale}" y="${y * scale}" width="${(end - x) * scale}" height="${scale}" fill="${colour}"/>`);
      x = end;
    }
  }
  const size = side * scale;
  const text = caption.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size + 16}" width="${size}" height="${size + 16}" role="img" aria-label="${text}">` +
    `<g shape-rendering="crispEdges">${rects.join('')}</g>` +
    `<text x="${size / 2}" y="${size + 12}" text-anchor="middle" font-size="11">${text}</text></svg>`
  );
}

/** The legend of the scale as SVG: from −max (blue) through 0 to +max (red). */
export function legendSvg(max: number, id: string, width = 200): string {
  // The gradient's id must be unique in the document that holds several legends (one per study in the report).
  const gradient = `occlusion-legend-${id.replace(/[^\w-]/g, '_')}`;
  const stops = [-1, -0.5, 0, 0.5, 1].map((t) => {
    const { rgb, alpha } = dropColour(t * max, max);
    const mix = rgb.map((v) => Math.round(160 * (1 - alpha) + v * alpha));
    return `<stop offset="${(t + 1) * 50}%" stop-color="rgb(${mix.join(',')})"/>`;
  });
  const pct = (v: number) => `${v > 0 ? '+' : ''}${(100 * v).toFixed(1)} pts`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} 36" width="${width}" height="36" role="img" aria-label="Colour scale: blue, hiding raises the probability; red, hiding lowers it">` +
    `<defs><linearGradient id="${gradient}">${stops.join('')}</linearGradient></defs>` +
    `<rect x="0" y="0" width="${width}" height="12" fill="url(#${gradient})"/>` +
    `<text x="0" y="26" font-size="10">${pct(-max)}</text><text x="${width / 2}" y="26" font-size="10" text-anchor="middle">0</text><text x="${width}" y="26" font-size="10" text-anchor="end">${pct(max)}</text></svg>`
  );
}

export const emotionName = (c: number) => EMOTIONS[c] ?? `class ${c}`;
