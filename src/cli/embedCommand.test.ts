/**
 * `facet embed` as a user runs it (a separate process): interrupted with Ctrl-C part-way, it keeps what it embedded
 * and the same command continues, ending with the same file as a run that was never interrupted.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEmbeddingFile } from '../embed/embeddingFile';

const MINI = '../shared/data/fer2013-mini.zip';
const work = mkdtempSync(join(tmpdir(), 'facet-cli-'));

function facet(args: string[], stopWhen?: () => boolean): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const poll =
      stopWhen &&
      setInterval(() => {
        if (!stopWhen()) return;
        child.kill('SIGINT');
        clearInterval(poll);
      }, 20);
    child.on('error', reject);
    child.on('close', (status) => {
      if (poll) clearInterval(poll);
      resolve({ status, stderr });
    });
  });
}

const idsWritten = (out: string) => (existsSync(`${out}.partial/ids.txt`) ? readFileSync(`${out}.partial/ids.txt`, 'utf8').split('\n').length - 1 : 0);

describe('facet embed', () => {
  it('continues after Ctrl-C where it stopped and ends with the same file as an uninterrupted run', async () => {
    const whole = join(work, 'whole.zip');
    const resumed = join(work, 'resumed.zip');
    const common = ['--model', 'models/tiny', '--precision', 'fp32', '--batch', '8', '--no-zero-shot'];
    expect((await facet(['embed', MINI, ...common, '--out', whole])).status).toBe(0);

    const stopped = await facet(['embed', MINI, ...common, '--out', resumed], () => idsWritten(resumed) >= 40);
    expect(stopped.status, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/Stopped\. What was embedded is kept in .*resumed\.zip\.partial; run the same command again to continue/);
    expect(existsSync(resumed)).toBe(false);
    const kept = idsWritten(resumed);
    expect(kept).toBeGreaterThanOrEqual(40);
    expect(kept).toBeLessThan(384);

    const continued = await facet(['embed', MINI, ...common, '--out', resumed]);
    expect(continued.status, continued.stderr).toBe(0);
    expect(continued.stderr).toContain(`Continuing: ${kept} images were embedded by an earlier run`);
    expect(continued.stderr).toMatch(new RegExp(`Wrote .*: 384 embeddings \\(${384 - kept} now`));
    expect(existsSync(`${resumed}.partial`)).toBe(false);

    const a = readEmbeddingFile(new Uint8Array(readFileSync(whole)));
    const b = readEmbeddingFile(new Uint8Array(readFileSync(resumed)));
    expect(b.meta).toEqual(a.meta);
    expect(b.vectors).toEqual(a.vectors);
  }, 120_000);
});
