/** Benchmark records as `npm run bench` writes them: one per measured figure, with its native baseline. */
import { cpus, totalmem } from 'node:os';

export interface BenchRecord {
  name: string;
  unit: string;
  /** the median of the runs */
  value: number;
  baseline_name?: string;
  baseline_value?: number;
  /** value / baseline_value */
  ratio?: number;
  /** items per run (e.g. images in a timed batch) */
  n: number;
  runs: number;
  median: number;
  min: number;
  max: number;
  date: string;
  machine: string;
  /** what the figure means, for the markdown table */
  note?: string;
}

export function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? 'unknown cpu'} × ${cpu.length}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`;
}

export function summarize(samples: number[]): { median: number; min: number; max: number } {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

export function record(
  fields: { name: string; unit: string; n: number; samples: number[]; note?: string },
  baseline?: { name: string; value: number },
): BenchRecord {
  const { median, min, max } = summarize(fields.samples);
  return {
    name: fields.name,
    unit: fields.unit,
    value: median,
    ...(baseline ? { baseline_name: baseline.name, baseline_value: baseline.value, ratio: median / baseline.value } : {}),
    n: fields.n,
    runs: fields.samples.length,
    median,
    min,
    max,
    date: new Date().toISOString(),
    machine: machine(),
    ...(fields.note ? { note: fields.note } : {}),
  };
}

const fmt = (v: number | undefined, digits = 2) => (v === undefined ? '' : Number(v.toPrecision(4)).toFixed(v >= 100 ? 0 : digits));

export function toMarkdown(records: BenchRecord[]): string {
  const lines = [
    `Benchmarks of ${records[0]?.date.slice(0, 10) ?? 'never'} on ${records[0]?.machine ?? 'this machine'}.`,
    '',
    '| scenario | value | baseline | ratio | runs (min–max) |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const r of records) {
    const baseline = r.baseline_name ? `${fmt(r.baseline_value)} (${r.baseline_name})` : '';
    lines.push(`| ${r.name} | ${fmt(r.value)} ${r.unit} | ${baseline} | ${r.ratio === undefined ? '' : `${fmt(r.ratio)}×`} | ${r.runs} (${fmt(r.min)}–${fmt(r.max)}) |`);
  }
  // Scenarios of one group share their note: list each note once.
  const notes = [...new Set(records.filter((r) => r.note).map((r) => r.note))].map((note) => `- ${note}`);
  return [...lines, '', ...notes, ''].join('\n');
}

/** One benchmark: its name starts with its group (`train.mlp-epoch`); `run` measures and returns its records. */
export interface Scenario {
  name: string;
  run(): Promise<BenchRecord[]>;
}
