/**
 * Progress on the terminal: one line redrawn in place on a TTY ("[#####·····] 48% Embedding 17,226 / 35,887 ·
 * 41 img/s · ETA 8 min"), or a plain line every 10 s in a log file or a CI job.
 */
import { formatProgress, type Progress } from '../lib/progress';

const WIDTH = 24;

export function progressBar(p: Progress): string {
  const share = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
  const filled = Math.round(share * WIDTH);
  return `[${'#'.repeat(filled)}${'·'.repeat(WIDTH - filled)}] ${String(Math.floor(share * 100)).padStart(3)}% ${formatProgress(p)}`;
}

export class TerminalProgress {
  private lastPrinted = 0;
  private lastLine = '';
  private drawn = false;
  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  show(p: Progress): void {
    const line = progressBar(p);
    if (this.stream.isTTY) {
      this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 120) - 1)}\x1b[K`);
      this.drawn = true;
    } else if ((Date.now() - this.lastPrinted > 10_000 || p.done === p.total) && line !== this.lastLine) {
      this.stream.write(`${line}\n`);
      this.lastPrinted = Date.now();
      this.lastLine = line;
    }
  }

  /** Ends the redrawn line so the next message starts on its own. */
  done(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
    this.lastPrinted = 0;
  }
}
