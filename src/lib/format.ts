/** A share (0–1) as a percentage with `digits` decimals; '—' when there is none (undefined, NaN: nothing scored). */
export function pct(v: number | undefined, digits = 2): string {
  return v === undefined || !Number.isFinite(v) ? '—' : `${(100 * v).toFixed(digits)}%`;
}
