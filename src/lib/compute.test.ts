import { afterEach, describe, expect, it, vi } from 'vitest';
import { adapterProbe, chooseBackend, describeAdapter, describeBackend, type ComputeCapabilities } from './compute';

const hardware: ComputeCapabilities = {
  webgpu: { adapter: 'nvidia ampere', software: false, shaderF16: true },
  wasmThreads: 8,
  crossOriginIsolated: true,
  webnn: false,
};
const software: ComputeCapabilities = { ...hardware, webgpu: { adapter: 'google swiftshader', software: true, shaderF16: false } };
const none: ComputeCapabilities = { ...hardware, webgpu: null };

describe('chooseBackend', () => {
  it('prefers a hardware WebGPU adapter', () => {
    expect(chooseBackend(hardware, 'auto')).toEqual({ kind: 'webgpu', adapter: 'nvidia ampere' });
  });
  it('keeps WASM over a software adapter unless WebGPU is asked for', () => {
    const auto = chooseBackend(software, 'auto');
    expect(auto.kind).toBe('wasm');
    expect(auto.fallbackReason).toMatch(/software renderer/);
    expect(chooseBackend(software, 'webgpu').kind).toBe('webgpu');
  });
  it('falls back to WASM and says why when WebGPU is missing', () => {
    expect(chooseBackend(none, 'webgpu')).toEqual({ kind: 'wasm', threads: 8, fallbackReason: 'WebGPU is not available in this browser' });
    expect(chooseBackend(hardware, 'wasm')).toEqual({ kind: 'wasm', threads: 8 });
  });
  it('tries WebNN only where the browser has it', () => {
    expect(chooseBackend({ ...none, webnn: true }, 'webnn')).toEqual({ kind: 'webnn', adapter: 'CPU' });
    expect(chooseBackend(none, 'webnn')).toEqual({ kind: 'wasm', threads: 8, fallbackReason: 'WebNN is not available in this browser' });
    expect(describeBackend({ kind: 'webnn', adapter: 'CPU', detail: "WebNN at 1.80× WASM's speed" })).toBe("WebNN · CPU (WebNN at 1.80× WASM's speed)");
  });
  it('names adapters and recognises software renderers', () => {
    expect(describeAdapter({ info: { vendor: 'google', architecture: 'swiftshader' }, features: new Set() })).toEqual({
      adapter: 'google swiftshader',
      software: true,
    });
    expect(describeBackend({ kind: 'wasm', threads: 1 })).toBe('WASM · 1 thread');
    expect(describeBackend({ kind: 'wasm', threads: 4 })).toBe('WASM · 4 threads');
    expect(describeBackend({ kind: 'wasm', threads: 1, sessions: 2 })).toBe('WASM · 2 sessions × 1 thread');
  });
});

describe('the WebGPU adapter probe', () => {
  const channels: BroadcastChannel[] = [];
  afterEach(() => {
    channels.splice(0).forEach((c) => c.close());
    vi.useRealTimers();
  });
  /** a browser without an adapter: Chromium logs "No available adapters." on every call */
  const noAdapter = () => {
    const gpu = { requestAdapter: vi.fn(async () => null) };
    return { gpu, nav: { gpu } };
  };
  const channelNamed = (name: string) => () => {
    const channel = new BroadcastChannel(name);
    channels.push(channel);
    return channel;
  };

  it('asks once per realm however often it is called', async () => {
    const { gpu, nav } = noAdapter();
    const probe = adapterProbe({ nav, inWorker: false });
    expect(await Promise.all([probe(), probe(), probe()])).toEqual([null, null, null]);
    expect(gpu.requestAdapter).toHaveBeenCalledTimes(1);
  });

  it('in a worker, takes the page’s answer instead of asking again', async () => {
    const page = noAdapter();
    const worker = noAdapter();
    const channel = channelNamed('facet-test-caps-1');
    const pageProbe = adapterProbe({ nav: page.nav, inWorker: false, channel });
    await pageProbe();
    const workerProbe = adapterProbe({ nav: worker.nav, inWorker: true, channel, answerMs: 60_000 });
    expect(await workerProbe()).toBeNull();
    expect(await workerProbe()).toBeNull();
    expect(page.gpu.requestAdapter).toHaveBeenCalledTimes(1);
    expect(worker.gpu.requestAdapter).not.toHaveBeenCalled();
  });

  it('passes a hardware adapter on to the worker as the page saw it', async () => {
    const adapter = { info: { vendor: 'nvidia', architecture: 'ampere' }, features: new Set(['shader-f16']) };
    const channel = channelNamed('facet-test-caps-2');
    adapterProbe({ nav: { gpu: { requestAdapter: async () => adapter } }, inWorker: false, channel })();
    const worker = noAdapter();
    expect(await adapterProbe({ nav: worker.nav, inWorker: true, channel, answerMs: 60_000 })()).toEqual({ adapter: 'nvidia ampere', software: false, shaderF16: true });
  });

  it('in a worker no page answers, asks the browser itself', async () => {
    vi.useFakeTimers();
    const worker = noAdapter();
    const facts = adapterProbe({ nav: worker.nav, inWorker: true, channel: channelNamed('facet-test-caps-3'), answerMs: 1000 })();
    await vi.advanceTimersByTimeAsync(1000);
    expect(await facts).toBeNull();
    expect(worker.gpu.requestAdapter).toHaveBeenCalledTimes(1);
  });

  it('does not ask where the browser has no WebGPU at all', async () => {
    expect(await adapterProbe({ nav: {}, inWorker: false })()).toBeNull();
  });
});
