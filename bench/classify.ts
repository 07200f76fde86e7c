/**
 * classify.* scenarios: seconds to find the faces (detector + 68-point landmarks, in the classify worker on
 * TensorFlow.js's WASM backend) in a 1920×1280 photo with three people, worked on at 1600×1067: the demo photo
 * @vladmandic/face-api ships. Read from the section's status, which times detection alone (not model loading).
 * No native baseline: the machine has no native face detector (no OpenCV or dlib).
 */
import { build } from 'vite';
import { startHarness } from '../e2e/harness';
import { record, type BenchRecord } from './lib';
import type { Scenario } from './lib';

const SAMPLE = new URL('../node_modules/@vladmandic/face-api/demo/sample1.jpg', import.meta.url).pathname;
const RUNS = 5;

async function runDetect(): Promise<BenchRecord[]> {
  await build({ logLevel: 'warn' });
  const harness = await startHarness();
  const records: BenchRecord[] = [];
  try {
    const page = await harness.newPage();
    const section = page.getByRole('region', { name: /Classify/ });
    for (const detector of ['ssd', 'tiny'] as const) {
      await section.getByLabel('Face detector').selectOption(detector);
      const seconds: number[] = [];
      let faces = 0;
      // One warm-up run loads the weights and compiles the WASM kernels.
      for (let run = 0; run <= RUNS; run++) {
        await section.getByLabel('Photo', { exact: true }).setInputFiles(SAMPLE);
        const status = section.getByRole('status').filter({ hasText: /Found \d+ faces? in sample1\.jpg .* in [\d.]+ s\./ });
        await status.waitFor({ timeout: 120_000 });
        const match = /Found (\d+) faces? .* in ([\d.]+) s\./.exec(await status.innerText())!;
        faces = Number(match[1]);
        if (run > 0) seconds.push(Number(match[2]));
        // Let the faces finish before the next photo replaces them.
        await page.locator('#classify .classify-result[aria-busy=true]').first().waitFor({ state: 'detached', timeout: 60_000 }).catch(() => {});
      }
      console.log(`  ${detector}: ${faces} faces, ${seconds.map((s) => s.toFixed(2)).join(', ')} s`);
      records.push(
        record({
          name: `classify.detect.${detector}.seconds-per-photo`,
          unit: 's',
          n: faces,
          samples: seconds,
          note: `${detector === 'ssd' ? 'SSD MobileNet v1' : 'tiny face detector'} + 68-point landmarks on a 1600×1067 photo with 3 faces (${faces} found), WASM backend in headless Chromium (lower is better)`,
        }),
      );
    }
  } finally {
    await harness.close();
  }
  return records;
}

export const classifyScenarios: Scenario[] = [{ name: 'classify.detect', run: runDetect }];
