/**
 * The data-efficiency chart as one SVG document, made with d3's scales and path generators: the same string is
 * shown in the panel, downloaded as .svg and put inline in the HTML report, so all three always agree. Per study:
 * the mean test accuracy over draws against k on a log axis, with a band from the lowest to the highest draw
 * (min–max, not ±sd: with 2–5 draws the range is what was seen); the zero-shot accuracy as a horizontal dashed line
 * and the paper's full-data figure (CLIP + MLP, 71.40%) as a marked point at "all".
 */
import { area, line, scaleLog, scaleLinear } from 'd3';
import { aggregatePoints, PAPER_FULL_DATA, type DataEfficiencyValue } from './dataEfficiency';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeText = (value: unknown) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

export const SERIES_COLOURS = ['#2f5fc4', '#c45f2f', '#2f9c5a', '#8a3fb8', '#b8953f', '#3fa7b8'];

export interface ChartStudy {
  /** the legend's words for this curve */
  name: string;
  value: DataEfficiencyValue;
}

export function dataEfficiencySvg(studies: readonly ChartStudy[], options: { zeroShot?: number; zeroShotBy?: string; width?: number; height?: number } = {}): string {
  const width = options.width ?? 560;
  const height = options.height ?? 300;
  const margin = { top: 14, right: 16, bottom: 40, left: 48 };
  const curves = studies.map((s) => ({ ...s, stats: aggregatePoints(s.value.points, s.value.allPerEmotion) }));
  const allX = Math.max(2, ...studies.map((s) => s.value.allPerEmotion));
  const ks = [...new Set(curves.flatMap((c) => c.stats.filter((p) => p.shots !== 'all').map((p) => p.x)))].sort((a, b) => a - b);
  const x = scaleLog()
    .domain([1, allX * 1.15])
    .range([margin.left, width - margin.right]);
  const values = curves.flatMap((c) => c.stats.map((p) => p.max));
  const top = Math.min(1, Math.max(0.8, ...values, options.zeroShot ?? 0) + 0.05);
  const y = scaleLinear().domain([0, top]).nice().range([height - margin.bottom, margin.top]);
  const parts: string[] = [];
  for (const t of y.ticks(5)) {
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${y(t) + 4}" text-anchor="end" font-size="10">${Math.round(t * 100)}%</text>`);
  }
  const tickKs = ks.length ? ks : [1, 2, 4, 8, 16, 32, 64, 128];
  for (const k of tickKs) parts.push(`<text x="${x(k)}" y="${height - margin.bottom + 14}" text-anchor="middle" font-size="10">${k}</text>`);
  if (curves.some((c) => c.stats.some((p) => p.shots === 'all'))) parts.push(`<text x="${x(allX)}" y="${height - margin.bottom + 14}" text-anchor="middle" font-size="10">all (${Math.round(allX)})</text>`);
  parts.push(`<text x="${(margin.left + width - margin.right) / 2}" y="${height - 6}" text-anchor="middle" font-size="11">labelled faces per emotion (log scale)</text>`);
  parts.push(`<text transform="translate(12 ${(margin.top + height - margin.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="11">test accuracy</text>`);
  const legend: string[] = [];
  const legendRow = (text: string, colour: string, dash = '') => {
    const ly = margin.top + 6 + 14 * legend.length;
    legend.push(
      `<line x1="${margin.left + 8}" x2="${margin.left + 26}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>` +
        `<text x="${margin.left + 30}" y="${ly + 4}" font-size="10" fill="${colour}">${escapeText(text)}</text>`,
    );
  };
  curves.forEach((curve, i) => {
    const colour = SERIES_COLOURS[i % SERIES_COLOURS.length];
    const band = area<(typeof curve.stats)[number]>()
      .x((p) => x(p.x))
      .y0((p) => y(p.min))
      .y1((p) => y(p.max))(curve.stats);
    const mean = line<(typeof curve.stats)[number]>()
      .x((p) => x(p.x))
      .y((p) => y(p.mean))(curve.stats);
    parts.push(`<path class="band" d="${band ?? ''}" fill="${colour}" fill-opacity="0.15" stroke="none"/>`);
    parts.push(`<path class="mean" d="${mean ?? ''}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const p of curve.stats) {
      parts.push(
        `<circle cx="${x(p.x)}" cy="${y(p.mean)}" r="3" fill="${colour}" data-k="${p.shots}" data-mean="${p.mean.toFixed(4)}"><title>${escapeText(curve.name)}, k = ${p.shots}: mean ${(100 * p.mean).toFixed(2)}% over ${p.n} draw${p.n === 1 ? '' : 's'} (min ${(100 * p.min).toFixed(2)}%, max ${(100 * p.max).toFixed(2)}%)</title></circle>`,
      );
    }
    legendRow(curve.name, colour);
  });
  if (options.zeroShot !== undefined && Number.isFinite(options.zeroShot)) {
    parts.push(`<line class="zero-shot" x1="${margin.left}" x2="${width - margin.right}" y1="${y(options.zeroShot)}" y2="${y(options.zeroShot)}" stroke="#555" stroke-width="1.5" stroke-dasharray="6 4"/>`);
    legendRow(`${options.zeroShotBy ?? 'CLIP'} zero-shot ${(100 * options.zeroShot).toFixed(2)}%`, '#555', '6 4');
  }
  const px = x(allX);
  const py = y(PAPER_FULL_DATA.accuracy);
  parts.push(`<path class="paper" d="M${px},${py - 6}L${px + 6},${py}L${px},${py + 6}L${px - 6},${py}Z" fill="none" stroke="#b03030" stroke-width="2"><title>${escapeText(PAPER_FULL_DATA.label)}</title></path>`);
  legend.push(
    `<path d="M${margin.left + 17},${margin.top + 6 + 14 * legend.length - 5}l5,5l-5,5l-5,-5z" fill="none" stroke="#b03030" stroke-width="1.5"/>` +
      `<text x="${margin.left + 30}" y="${margin.top + 10 + 14 * legend.length}" font-size="10" fill="#b03030">${escapeText(PAPER_FULL_DATA.label)}</text>`,
  );
  const label = `Test accuracy against labelled faces per emotion: ${studies.map((s) => s.name).join('; ') || 'no study yet'}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeText(label)}">` +
    `<rect width="${width}" height="${height}" fill="white"/>` +
    parts.join('') +
    legend.join('') +
    `</svg>`
  );
}
