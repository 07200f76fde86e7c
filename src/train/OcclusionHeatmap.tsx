import { useEffect, useRef } from 'react';
import { dropColour, heatmapRgba } from './occlusionDraw';

/** Percentage points, signed; two decimals when the whole scale is under one point (an untrained model's maps). */
const points = (v: number, max: number) => {
  const text = (100 * v).toFixed(max < 0.01 ? 2 : 1);
  return `${v > 0 && Number(text) !== 0 ? '+' : ''}${Number(text) === 0 ? text.replace('-', '') : text}`;
};

export const OCCLUSION_KEY = 'Red: hiding that region lowers the probability (the prediction rests on it); blue: hiding it raises the probability.';

/**
 * An occlusion heatmap over its face (canvas), the colour scale's legend, and the drops per patch position as a
 * table (the same numbers, readable without the colours).
 */
export function OcclusionHeatmap(props: {
  heatmap: Float32Array;
  side: number;
  /** the scale's end (±max) */
  max: number;
  face?: Uint8Array;
  /** per grid cell, row-major */
  drops: Float32Array;
  cells: number;
  starts: number[];
  label: string;
  size?: number;
  /** many maps on one screen: the numbers table folded away, the colour key said once by the caller */
  compact?: boolean;
  testId?: string;
}) {
  const { heatmap, side, max, face, drops, cells, starts, label, size = 192 } = props;
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = ref.current?.getContext('2d');
    if (!context) return;
    const image = context.createImageData(side, side);
    image.data.set(heatmapRgba(heatmap, max, face));
    context.putImageData(image, 0, 0);
  }, [heatmap, max, face, side]);
  const table = (
    <table className="occlusion-numbers">
      <caption>Fall of the probability, in percentage points, with the patch at each position (rows: top y, columns: left x)</caption>
      <thead>
        <tr>
          <th scope="col">y \ x</th>
          {starts.map((x) => (
            <th scope="col" key={x}>
              {x}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {starts.map((y, r) => (
          <tr key={y}>
            <th scope="row">{y}</th>
            {starts.map((x, c) => {
              const v = drops[r * cells + c];
              const { rgb, alpha } = dropColour(v, max);
              return (
                // Tinted at most 35% so the number keeps its contrast in both themes.
                <td key={x} style={{ background: `rgba(${rgb.join(',')}, ${(alpha * 0.35) / 0.8})` }}>
                  {points(v, max)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <figure className="occlusion-map" data-testid={props.testId}>
      <div>
        <canvas ref={ref} width={side} height={side} className="face" style={{ width: size, height: size }} role="img" aria-label={label} />
        <div className="occlusion-legend" aria-hidden="true">
          <span className="occlusion-gradient" />
          <span>
            {points(-max, max)} · 0 · {points(max, max)} pts
          </span>
        </div>
        <figcaption>{label}</figcaption>
        {!props.compact && <p className="muted occlusion-key">{OCCLUSION_KEY}</p>}
      </div>
      {props.compact ? (
        <details>
          <summary>Numbers</summary>
          {table}
        </details>
      ) : (
        table
      )}
    </figure>
  );
}
