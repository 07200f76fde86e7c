/**
 * ingest.* scenarios: the real FER2013 zip (../shared/data/fer2013.zip, 35,887 JPEGs) imported in headless Chromium,
 * from choosing the file to the summary being ready, against decoding every image of the same zip with Pillow on one
 * core (Debian's python3-pil), in the same run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { build } from 'vite';
import { startHarness } from '../e2e/harness';
import { record, type BenchRecord } from './lib';
import type { Scenario } from './lib';

const FER = new URL('../../shared/data/fer2013.zip', import.meta.url).pathname;
const RUNS = 2;
const PYTHON = '/usr/bin/python3';

const PILLOW_DECODE = `
import io, sys, time, zipfile
from PIL import Image
started = time.perf_counter()
count = 0
with zipfile.ZipFile(sys.argv[1]) as z:
    for info in z.infolist():
        if info.is_dir() or not info.filename.lower().endswith(('.jpg', '.jpeg', '.png')):
            continue
        image = Image.open(io.BytesIO(z.read(info))).convert('L')
        image.load()
        count += 1
print(count, time.perf_counter() - started)
`;

function pillowSeconds(): { count: number; seconds: number } {
  const result = spawnSync(PYTHON, ['-c', PILLOW_DECODE, FER], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`Pillow baseline failed (apt-get install python3-pil): ${result.stderr}`);
  const [count, seconds] = result.stdout.trim().split(/\s+/).map(Number);
  return { count, seconds };
}

async function browserImport(): Promise<{ seconds: number; status: string; summary: string }> {
  const harness = await startHarness();
  try {
    const page = await harness.newPage();
    const dataset = page.getByRole('region', { name: /Dataset/ });
    const started = performance.now();
    await dataset.getByLabel('FER2013 archive or CSV').setInputFiles(FER);
    await dataset.getByRole('status').filter({ hasText: /Imported fer2013\.zip/ }).first().waitFor({ timeout: 20 * 60_000 });
    const seconds = (performance.now() - started) / 1000;
    return { seconds, status: await dataset.getByRole('status').first().innerText(), summary: await dataset.locator('.notices').innerText() };
  } finally {
    await harness.close();
  }
}

async function runIngest(): Promise<BenchRecord[]> {
  if (!existsSync(FER)) throw new Error(`${FER} is missing`);
  await build({ logLevel: 'warn' });
  const native: number[] = [];
  const browser: number[] = [];
  let count = 0;
  for (let run = 0; run < RUNS; run++) {
    const pillow = pillowSeconds();
    count = pillow.count;
    native.push(pillow.seconds);
    const page = await browserImport();
    browser.push(page.seconds);
    console.log(`  run ${run + 1}: Pillow ${pillow.seconds.toFixed(1)} s, browser ${page.seconds.toFixed(1)} s — ${page.status}\n    ${page.summary.replace(/\n/g, '\n    ')}`);
  }
  const nativeMedian = record({ name: 'pillow', unit: 's', n: count, samples: native }).median;
  const browserTime = record(
    { name: 'ingest.fer2013.browser-seconds', unit: 's', n: count, samples: browser, note: 'full fer2013.zip, drop to summary ready in headless Chromium vs Pillow decoding every image of the zip on one core (lower is better)' },
    { name: 'pillow-decode-1-core', value: nativeMedian },
  );
  const rate = record(
    { name: 'ingest.fer2013.browser-images-per-second', unit: 'img/s', n: count, samples: browser.map((s) => count / s) },
    { name: 'pillow-decode-1-core', value: count / nativeMedian },
  );
  return [browserTime, rate];
}

export const ingestScenarios: Scenario[] = [{ name: 'ingest.fer2013', run: runIngest }];
