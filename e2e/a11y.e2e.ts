/**
 * Accessibility: axe-core's WCAG 2.1 A/AA rules over the whole notebook in its states (empty, after an import, after
 * training), plus keyboard reachability of every control. axe is evaluated through the DevTools protocol, so the
 * page's Content-Security-Policy (no inline script) stays as it is.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { startHarness, type Harness } from './harness';
import { embedDataset, importDataset, loadModel } from './steps';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let harness: Harness;
let page: Page;
before(async () => {
  harness = await startHarness();
  page = await harness.newPage();
});
after(() => harness?.close());

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[]; failureSummary: string }[];
}

async function axeViolations(): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations;
  })) as AxeViolation[];
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.help}): ${n.target.join(' ')}`));
}

test('the empty notebook has no WCAG A/AA violations', async () => {
  assert.deepEqual(await axeViolations(), []);
});

test('with a dataset, a model and a trained run, it still has none', async () => {
  await importDataset(page);
  await loadModel(page, `${harness.url}/models/tiny/`);
  await embedDataset(page);
  const embed = page.getByRole('region', { name: /Embed/ });
  await embed.getByRole('button', { name: /Run zero-shot/ }).click();
  await embed.locator('.zero-shot-table').waitFor({ timeout: 60_000 });
  const train = page.getByRole('region', { name: /Train/ });
  await train.getByLabel('Epochs').fill('2');
  await train.getByRole('button', { name: 'Train' }).click();
  await train.getByTestId('train-accuracy').waitFor({ timeout: 120_000 });
  assert.deepEqual(await axeViolations(), []);
  await page.getByRole('button', { name: 'Manage storage' }).click();
  await page.getByRole('dialog', { name: 'Stored in this browser' }).getByRole('region', { name: 'Datasets' }).getByRole('row').nth(1).waitFor();
  assert.deepEqual(await axeViolations(), []);
  await page.keyboard.press('Escape');
});

test('every control is reachable with the Tab key', async () => {
  const controls = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('main button, main input, main select, main textarea, main a[href], main [tabindex]')]
      .filter((e) => !(e as HTMLButtonElement).disabled && e.offsetParent !== null && e.tabIndex >= 0)
      .map((e) => e.outerHTML.slice(0, 80)),
  );
  assert.ok(controls.length > 20, `${controls.length} controls`);
  const reached = new Set<string>();
  await page.locator('body').focus();
  for (let i = 0; i < controls.length + 40; i++) {
    await page.keyboard.press('Tab');
    const html = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80) ?? '');
    reached.add(html);
  }
  const missed = controls.filter((c) => !reached.has(c));
  assert.deepEqual(missed, []);
});
