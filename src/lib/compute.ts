/**
 * Which compute backend the browser offers, and the one decision WebGPU vs WASM every capability uses.
 * Detection works on the page and in workers (both have navigator.gpu in Chromium).
 */
export type BackendKind = 'webgpu' | 'wasm' | 'webnn';
export type BackendPreference = 'auto' | BackendKind;

export interface ComputeCapabilities {
  webgpu: { adapter: string; software: boolean; shaderF16: boolean } | null;
  /** WASM threads usable: 1 unless the page is cross-origin isolated (SharedArrayBuffer). */
  wasmThreads: number;
  crossOriginIsolated: boolean;
  webnn: boolean;
}

/** What actually ran, as reported by the worker that created a session. */
export interface BackendInUse {
  kind: BackendKind;
  adapter?: string;
  threads?: number;
  /** WASM sessions of the same encoder working at once, each with `threads` threads (1 when absent) */
  sessions?: number;
  /** why this backend was chosen over another that was tried (WebNN against WASM) */
  detail?: string;
  /** why the preferred backend was not used, when it was not */
  fallbackReason?: string;
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  features: { has(name: string): boolean };
  isFallbackAdapter?: boolean;
}

export function describeAdapter(adapter: GpuAdapterLike): { adapter: string; software: boolean } {
  const info = adapter.info ?? {};
  const name = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ').trim();
  const software =
    Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) || /swiftshader|llvmpipe|software/i.test(name);
  return { adapter: name || 'unknown adapter', software };
}

export async function detectCompute(): Promise<ComputeCapabilities> {
  // Outside a browser (Node runs the same code in tests and the command line) there is no navigator.
  const nav = (globalThis.navigator ?? {}) as Navigator & { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> }; ml?: unknown };
  let webgpu: ComputeCapabilities['webgpu'] = null;
  try {
    const adapter = await nav.gpu?.requestAdapter();
    if (adapter) webgpu = { ...describeAdapter(adapter), shaderF16: adapter.features.has('shader-f16') };
  } catch {
    webgpu = null;
  }
  const isolated = globalThis.crossOriginIsolated === true;
  return {
    webgpu,
    wasmThreads: isolated ? Math.max(1, nav.hardwareConcurrency || 1) : 1,
    crossOriginIsolated: isolated,
    webnn: nav.ml !== undefined,
  };
}

/**
 * Automatic choice: WebGPU only on a hardware adapter (a software adapter such as SwiftShader is far slower than
 * WASM); an explicit preference is honoured when the backend exists at all.
 */
export function chooseBackend(caps: ComputeCapabilities, preference: BackendPreference): BackendInUse {
  if (preference === 'wasm') return { kind: 'wasm', threads: caps.wasmThreads };
  // WebNN asked for by name is tried where the browser has it (src/embed/webnnTrial.ts decides whether it stays).
  if (preference === 'webnn') {
    return caps.webnn ? { kind: 'webnn', adapter: 'CPU' } : { kind: 'wasm', threads: caps.wasmThreads, fallbackReason: 'WebNN is not available in this browser' };
  }
  if (caps.webgpu && (preference === 'webgpu' || !caps.webgpu.software)) {
    return { kind: 'webgpu', adapter: caps.webgpu.adapter };
  }
  const fallbackReason =
    preference === 'webgpu'
      ? 'WebGPU is not available in this browser'
      : caps.webgpu?.software
        ? `WebGPU adapter "${caps.webgpu.adapter}" is a software renderer, slower than WASM`
        : undefined;
  return { kind: 'wasm', threads: caps.wasmThreads, fallbackReason };
}

export function describeBackend(backend: BackendInUse): string {
  if (backend.kind === 'webgpu') return `WebGPU · ${backend.adapter ?? 'adapter'}`;
  if (backend.kind === 'webnn') return `WebNN · ${backend.adapter ?? 'CPU'}${backend.detail ? ` (${backend.detail})` : ''}`;
  const threads = `${backend.threads ?? 1} thread${(backend.threads ?? 1) === 1 ? '' : 's'}`;
  return (backend.sessions ?? 1) > 1 ? `WASM · ${backend.sessions} sessions × ${threads}` : `WASM · ${threads}`;
}
