/**
 * End-to-end harness: serves the production build with `vite preview` on 127.0.0.1 and drives Debian's Chromium
 * through playwright-core (a downloaded browser is not available offline). Every request a page makes is recorded
 * so tests can prove nothing leaves the machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pollInterval } from 'node:timers/promises';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { preview, type InlineConfig, type PreviewServer } from 'vite';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const BASE_FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface Harness {
  url: string;
  context: BrowserContext;
  /** every URL requested by any page or worker of the context, in order */
  requests: string[];
  /** what the Content-Security-Policy refused; close() fails the test file if anything was */
  cspViolations: string[];
  newPage(path?: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * `args`: extra Chromium flags (a fake camera); `config` serves another build than the app's (bench/peer.ts);
 * `url`: a server the test started itself (the dev server), used instead of a preview server.
 */
export async function startHarness(options: { webgpu?: boolean; args?: string[]; config?: InlineConfig; url?: string } = {}): Promise<Harness> {
  let server: PreviewServer | undefined;
  let url = options.url;
  if (!url) {
    server = await preview({
      ...options.config,
      logLevel: 'warn',
      preview: { ...options.config?.preview, host: '127.0.0.1', port: 0, strictPort: false, open: false },
    });
    const address = server.httpServer.address();
    if (!address || typeof address === 'string') throw new Error('preview server has no port');
    url = `http://127.0.0.1:${address.port}`;
  }

  // A fresh profile per run: no cache, storage or permissions carried over between tests.
  const profile = mkdtempSync(join(tmpdir(), 'facet-chromium-'));
  const args = [...BASE_FLAGS, ...(options.args ?? [])];
  // Without a GPU, --enable-unsafe-webgpu exposes SwiftShader's software adapter: slow, but the WebGPU path runs.
  if (options.webgpu) args.push('--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-webgpu-adapter=swiftshader');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args,
    viewport: { width: 1280, height: 900 },
  });
  // tsx compiles test files with esbuild's keepNames, which wraps functions in a __name() helper that does not
  // exist in the page: functions passed to page.evaluate need it defined.
  await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  const requests: string[] = [];
  const cspViolations: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  context.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  context.on('weberror', (error) => console.error('page error:', error.error().message));

  return {
    url,
    context,
    requests,
    cspViolations,
    async newPage(path = '/') {
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') console.error(`[browser] ${message.text()}`);
      });
      await page.goto(url + path);
      return page;
    },
    async close() {
      await context.close().catch(() => {});
      if (server) await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
      rmSync(profile, { recursive: true, force: true });
      if (cspViolations.length) throw new Error(`The Content-Security-Policy refused:\n${cspViolations.join('\n')}`);
    },
  };
}

/** Requests that went anywhere but the app's own origin (data: and blob: URLs stay inside the page). */
export function foreignRequests(harness: Harness): string[] {
  return harness.requests.filter((u) => !u.startsWith(harness.url + '/') && !/^(data|blob):/.test(u));
}

/**
 * Waits until `condition()` holds, checking it every `everyMs` (a poll interval, not a wait: the test goes on as soon
 * as the condition holds); fails after `timeoutMs` naming what it waited for.
 */
export async function until(condition: () => boolean | Promise<boolean>, what: string, { timeoutMs = 60_000, everyMs = 20 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await pollInterval(everyMs);
  }
}
