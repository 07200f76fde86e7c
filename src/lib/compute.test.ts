import { describe, expect, it } from 'vitest';
import { chooseBackend, describeAdapter, describeBackend, type ComputeCapabilities } from './compute';

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
