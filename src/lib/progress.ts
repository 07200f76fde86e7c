/**
 * Progress of a long job as the user sees it: "Embedding 12,004 / 35,887 · 41 img/s · ETA 9 min".
 * Rate is a moving average over the last few seconds so a slow start or a pause does not distort the ETA for long.
 */
export interface Progress {
  stage: string;
  done: number;
  total: number;
  unit: string;
  /** items per second, NaN until two samples exist */
  rate: number;
  /** seconds remaining, NaN when unknown */
  etaSeconds: number;
}

export class ProgressTracker {
  private samples: { t: number; done: number }[] = [];
  constructor(
    private readonly stage: string,
    private readonly total: number,
    private readonly unit = 'items',
    private readonly windowMs = 5000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  update(done: number): Progress {
    const t = this.now();
    this.samples.push({ t, done });
    // The rate spans at least the window whenever there is that much history: work that finishes in bursts (several
    // encoder sessions storing their batches at once) would otherwise read as a burst's instant rate.
    while (this.samples.length > 2 && t - this.samples[1].t >= this.windowMs) this.samples.shift();
    const first = this.samples[0];
    const elapsed = (t - first.t) / 1000;
    const rate = elapsed > 0 ? (done - first.done) / elapsed : NaN;
    const etaSeconds = rate > 0 ? (this.total - done) / rate : NaN;
    return { stage: this.stage, done, total: this.total, unit: this.unit, rate, etaSeconds };
  }
}

const count = new Intl.NumberFormat('en-US');

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '…';
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  const h = Math.floor(seconds / 3600);
  return `${h} h ${Math.round((seconds - h * 3600) / 60)} min`;
}

/**
 * A measured or estimated time with the digits it has: "0.01 s", "0.05 s", "2.4 s", "42 s", "1.7 min", then
 * minutes and hours as formatDuration writes them. formatDuration rounds everything under a second up to "1 s", which suits an ETA
 * but not 0.01 s per tree.
 */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '…';
  if (seconds <= 0) return '0 s';
  if (seconds < 0.005) return '< 0.01 s';
  if (seconds < 1) return `${seconds.toFixed(2)} s`;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 600) return `${(seconds / 60).toFixed(1)} min`;
  return formatDuration(seconds);
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '?';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  return `${value.toFixed(value >= 100 || i === 0 ? 0 : 1)} ${units[i]}`;
}

/**
 * Time per unit and ETA, for units that take seconds each (an epoch): "2.1 s per epoch · ETA 1 min". Empty until
 * the tracker has a rate.
 */
export function formatPace(p: Progress, unitName: string): string {
  if (!(p.rate > 0)) return '';
  return `${formatSeconds(1 / p.rate)} per ${unitName}${p.done < p.total ? ` · ETA ${formatDuration(p.etaSeconds)}` : ''}`;
}

export function formatProgress(p: Progress): string {
  const parts = [`${p.stage} ${count.format(p.done)} / ${count.format(p.total)}`];
  if (Number.isFinite(p.rate)) parts.push(`${p.rate >= 10 ? Math.round(p.rate) : p.rate.toFixed(1)} ${p.unit}/s`);
  if (p.done < p.total) parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  return parts.join(' · ');
}
