import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { startHarness, type Harness } from './harness';
import { embedDataset, importDataset, loadModel, region } from './steps';

// The README's first command, `npm start`, serves the dev server. Vite's dependency optimiser used to discover the
// packages only workers import (the TensorFlow.js WASM and WebGPU backends, umap-js, face-api) when a worker first
// loaded them, and then reloaded the page by itself, losing what the user was doing. `--force` starts the
// optimiser from an empty cache, as on a first run.
let devServer: ChildProcess;
let harness: Harness;
let page: Page;
const navigations: string[] = [];
let reloaded: Promise<never>;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

before(async () => {
  const port = await freePort();
  // detached: the server runs in its own process group, so after() stops npm, sh and vite together
  devServer = spawn('npm', ['start', '--', '--force', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // CI machines may force colour; Vite then splits the address with escape codes ("127.0.0.1:\x1b[1m45181").
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  let output = '';
  devServer.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  devServer.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  // Vite prints its address once it listens: wait for that line (or the process ending), not on a timer.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the dev server did not start within 2 minutes:\n${output}`)), 120_000);
    const check = () => {
      // eslint-disable-next-line no-control-regex
      if (output.replace(/\x1b\[[0-9;]*m/g, '').includes(`127.0.0.1:${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    devServer.stdout!.on('data', check);
    devServer.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
  assert.ok(await fetch(url).then((r) => r.ok, () => false), `the dev server printed its address but does not answer:\n${output}`);
  harness = await startHarness({ url });
  page = await harness.context.newPage();
  // Rejects at the first navigation after the first load, so a step waiting for its result fails at once.
  reloaded = new Promise<never>((_, reject) =>
    page.on('framenavigated', (frame) => {
      if (frame !== page.mainFrame()) return;
      navigations.push(frame.url());
      if (navigations.length > 1) reject(new Error(`the page navigated by itself to ${frame.url()}`));
    }),
  );
  reloaded.catch(() => {}); // observed by the steps below
  await page.goto(url);
  // A reload replaces the window: this mark survives only if the page never reloaded.
  await page.evaluate(() => ((window as unknown as { neverReloaded: boolean }).neverReloaded = true));
});

after(async () => {
  await harness?.close();
  if (devServer?.pid && devServer.exitCode === null) process.kill(-devServer.pid, 'SIGTERM');
});

async function assertNeverReloaded(step: string) {
  assert.deepEqual(navigations.length, 1, `${step}: the page navigated by itself: ${navigations.join(', ')}`);
  assert.equal(await page.evaluate(() => (window as unknown as { neverReloaded?: boolean }).neverReloaded), true, `${step}: the page reloaded`);
}

test('on the dev server from a fresh optimiser cache, import, train and map never reload the page', async () => {
  const orReload = <T>(step: Promise<T>) => Promise.race([step, reloaded]);
  await orReload(importDataset(page));
  await orReload(loadModel(page, `${harness.url}/models/tiny/`));
  await orReload(embedDataset(page));
  await assertNeverReloaded('import and embed');

  const train = region(page, 'Train');
  await train.getByLabel('Epochs').fill('2');
  await train.getByLabel('Hidden layers').fill('16');
  await train.getByRole('button', { name: 'Train' }).click();
  await orReload(train.getByTestId('train-accuracy').waitFor({ timeout: 180_000 }));
  await assertNeverReloaded('train');

  const explore = region(page, 'Explore');
  await explore.getByLabel('Projection').selectOption('umap');
  await explore.getByRole('button', { name: 'Map' }).click();
  await orReload(explore.getByRole('status').filter({ hasText: /UMAP of 385 images/ }).waitFor({ timeout: 180_000 }));
  await assertNeverReloaded('map');
});
