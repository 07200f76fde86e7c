import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { foreignRequests, startHarness, type Harness } from './harness';
import { region } from './steps';

// Offline, the Hub download fails: the error names the routes that need no network, and goes away when the user
// takes one of them. The Hub is made unreachable here, as it is without a network.
let harness: Harness;
let page: Page;
before(async () => {
  harness = await startHarness();
  await harness.context.route(/^https:\/\/([\w-]+\.)*(huggingface\.co|hf\.co)\//, (route) => route.abort('internetdisconnected'));
  page = await harness.newPage();
});
after(() => harness?.close());

test('a Hub download offline names files from disk and the mirror URL, and the error goes when the source changes', async () => {
  const embed = region(page, 'Embed');
  await embed.getByLabel('Source').selectOption('hub');
  await embed.getByLabel('Backend').selectOption('wasm');
  await embed.getByRole('button', { name: 'Load model' }).click();
  const alert = embed.getByRole('alert');
  await alert.waitFor({ timeout: 60_000 });
  const message = await alert.innerText();
  assert.match(message, /Could not download https:\/\/huggingface\.co\//);
  assert.match(message, /“Files on this computer”/);
  assert.match(message, /“Self-hosted mirror \(URL\)”/);
  // the preview server is a build, not the dev server: its test models are not offered
  assert.doesNotMatch(message, /dev server/);

  await embed.getByLabel('Source').selectOption('local');
  await alert.waitFor({ state: 'detached' });
  assert.match(await embed.getByRole('status').first().innerText(), /No model loaded/);
});

test('only the Hub was asked, and nothing reached it', () => {
  assert.ok(foreignRequests(harness).every((u) => /^https:\/\/([\w-]+\.)*(huggingface\.co|hf\.co)\//.test(u)), foreignRequests(harness).join('\n'));
});
