import * as d3 from 'd3';
import { useEffect, useRef } from 'react';
import type { EpochLog } from './mlp';

interface Series {
  name: string;
  points: { x: number; y: number }[];
  className: string;
  /** a stroke colour of its own, for series without a CSS class colour (the run comparison) */
  color?: string;
}

/**
 * A d3 line chart, 360×180 by default (larger where several runs are overlaid); the same numbers are in the epoch
 * table beside it (the text equivalent).
 */
export function LineChart({ title, series, yDomain, width = 360, height = 180 }: { title: string; series: Series[]; yDomain?: [number, number]; width?: number; height?: number }) {
  const ref = useRef<SVGSVGElement>(null);
  useEffect(() => {
    const svg = d3.select(ref.current);
    const margin = { top: 10, right: 10, bottom: 26, left: 40 };
    svg.selectAll('*').remove();
    const all = series.flatMap((s) => s.points);
    if (all.length === 0) return;
    const x = d3.scaleLinear().domain([0, Math.max(1, d3.max(all, (p) => p.x)!)]).range([margin.left, width - margin.right]);
    const y = d3
      .scaleLinear()
      .domain(yDomain ?? [0, d3.max(all, (p) => p.y)! * 1.05])
      .nice()
      .range([height - margin.bottom, margin.top]);
    svg.append('g').attr('transform', `translate(0,${height - margin.bottom})`).call(d3.axisBottom(x).ticks(6));
    svg.append('g').attr('transform', `translate(${margin.left},0)`).call(d3.axisLeft(y).ticks(5));
    svg.append('text').attr('x', width / 2).attr('y', height - 2).attr('text-anchor', 'middle').attr('class', 'axis-label').text('epoch');
    const line = d3
      .line<{ x: number; y: number }>()
      .defined((p) => Number.isFinite(p.y))
      .x((p) => x(p.x))
      .y((p) => y(p.y));
    for (const s of series) svg.append('path').datum(s.points).attr('class', `curve ${s.className}`).attr('stroke', s.color ?? null).attr('d', line);
  }, [series, yDomain, width, height]);
  return (
    <figure className="chart" style={{ width }}>
      <figcaption>
        {title}:{' '}
        {series.map((s) => (
          <span key={s.name} className={`legend ${s.className}`}>
            {s.color && <span className="swatch" style={{ background: s.color }} aria-hidden="true" />}
            {s.name}
          </span>
        ))}
      </figcaption>
      <svg ref={ref} viewBox={`0 0 ${width} ${height}`} style={{ width, height }} role="img" aria-label={`${title} per epoch`} />
    </figure>
  );
}

export function Curves({ history, batchLoss }: { history: EpochLog[]; batchLoss: { x: number; loss: number }[] }) {
  const at = (key: keyof EpochLog) => history.map((h) => ({ x: h.epoch, y: h[key] }));
  return (
    <div className="curves" data-testid="training-curves" data-epochs={history.length}>
      <LineChart
        title="Loss"
        series={[
          { name: 'batches (smoothed)', className: 'batch', points: batchLoss.map((b) => ({ x: b.x, y: b.loss })) },
          { name: 'train', className: 'train', points: at('loss') },
          { name: 'validation', className: 'val', points: at('valLoss') },
        ]}
      />
      <LineChart title="Accuracy" yDomain={[0, 1]} series={[{ name: 'train', className: 'train', points: at('acc') }, { name: 'validation', className: 'val', points: at('valAcc') }]} />
    </div>
  );
}
