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

type WebGpuFacts = ComputeCapabilities['webgpu'];
type GpuNavigator = { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } };

/** The channel a page answers its workers' question on: which WebGPU adapter this browser has. */
export const CAPABILITIES_CHANNEL = 'facet-compute-capabilities';

/**
 * Asks for a WebGPU adapter at most once per JavaScript realm, and in a worker not at all when a page of the app
 * answers: Chromium logs "No available adapters." each time the question finds none (the page, the embed worker
 * and the train worker each asked, 2-3 lines per page load). The page answers on a BroadcastChannel with its
 * own, single probe; a worker that hears nothing within `answerMs` asks the browser itself.
 */
export function adapterProbe(env: { nav: GpuNavigator; inWorker: boolean; channel?: () => BroadcastChannel; answerMs?: number }): () => Promise<WebGpuFacts> {
  let facts: Promise<WebGpuFacts> | undefined;
  const ask = async (): Promise<WebGpuFacts> => {
    try {
      const adapter = await env.nav.gpu?.requestAdapter();
      return adapter ? { ...describeAdapter(adapter), shaderF16: adapter.features.has('shader-f16') } : null;
    } catch {
      return null;
    }
  };
  const askPage = (): Promise<WebGpuFacts> =>
    new Promise((resolve) => {
      const channel = env.channel!();
      const id = Math.random().toString(36).slice(2);
      const finish = (answer: WebGpuFacts | undefined) => {
        clearTimeout(timer);
        channel.close();
        resolve(answer === undefined ? ask() : answer);
      };
      const timer = setTimeout(() => finish(undefined), env.answerMs ?? 1000);
      channel.onmessage = (event: MessageEvent) => {
        if (event.data?.type === 'answer' && event.data.id === id) finish(event.data.webgpu as WebGpuFacts);
      };
      channel.postMessage({ type: 'ask', id });
    });
  return () => {
    if (facts) return facts;
    if (!env.nav.gpu) return (facts = Promise.resolve(null));
    if (env.inWorker && env.channel) return (facts = askPage());
    facts = ask();
    if (env.channel) {
      // a page answers its workers for as long as it lives
      const channel = env.channel();
      channel.onmessage = (event: MessageEvent) => {
        if (event.data?.type === 'ask') void facts!.then((webgpu) => channel.postMessage({ type: 'answer', id: event.data.id, webgpu }));
      };
    }
    return facts;
  };
}

const inBrowserWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
const inBrowserPage = typeof (globalThis as { document?: unknown }).document !== 'undefined';
const probeWebGpu = adapterProbe({
  nav: (globalThis.navigator ?? {}) as GpuNavigator,
  inWorker: inBrowserWorker,
  // Node (the command line, unit tests) has BroadcastChannel too, but no page to ask or answer
  channel: (inBrowserWorker || inBrowserPage) && typeof BroadcastChannel !== 'undefined' ? () => new BroadcastChannel(CAPABILITIES_CHANNEL) : undefined,
});

/** `webgpu: false` where WebGPU cannot be chosen (WASM asked for by name): the adapter is not asked for at all. */
export async function detectCompute(options: { webgpu?: boolean } = {}): Promise<ComputeCapabilities> {
  // Outside a browser (Node runs the same code in tests and the command line) there is no navigator.
  const nav = (globalThis.navigator ?? {}) as Navigator & { ml?: unknown };
  const webgpu = options.webgpu === false ? null : await probeWebGpu();
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
