/**
 * Downloads model files with byte progress and keeps them in Cache Storage, so a model is fetched once per browser
 * and later loads work offline. Runs in the embed worker (Cache Storage and fetch exist there).
 */
import { throwIfCancelled } from '../lib/rpc';

export const MODEL_CACHE = 'facet-models-v1';

export interface DownloadProgress {
  url: string;
  loaded: number;
  /** NaN when the server does not say */
  total: number;
  fromCache: boolean;
}

/**
 * The message for a download that never reached the server (offline, DNS, a blocked host). A retry cannot help
 * offline, so it names the routes that need no network: the model's files from disk, a mirror on the local network
 * (any other mirror when the mirror itself failed), and on the dev server the generated test models it serves.
 */
export function downloadFailureMessage(url: string, reason: string, devServer = Boolean(import.meta.env?.DEV)): string {
  const fromMirror = !url.startsWith('https://huggingface.co/');
  const routes = [
    'choose “Files on this computer” for the vision and text .onnx files and tokenizer.json',
    fromMirror ? 'another “Self-hosted mirror (URL)”' : 'a “Self-hosted mirror (URL)” on your network',
  ];
  if (devServer) routes.push('on this dev server, the mirror URL /models/tiny/ (the generated test models, `npm run models -- <preset>`)');
  return `Could not download ${url}: ${reason || 'network error'}. Check the connection and retry; without a network, ${routes.join(', or ')}.`;
}

export async function fetchModelFile(
  url: string,
  signal: AbortSignal,
  onProgress: (p: DownloadProgress) => void,
): Promise<{ bytes: ArrayBuffer; fromCache: boolean }> {
  const cache = await caches.open(MODEL_CACHE);
  const cached = await cache.match(url);
  if (cached) {
    const bytes = await cached.arrayBuffer();
    onProgress({ url, loaded: bytes.byteLength, total: bytes.byteLength, fromCache: true });
    return { bytes, fromCache: true };
  }

  let response: Response;
  try {
    response = await fetch(url, { signal, credentials: 'omit' });
  } catch (error) {
    throwIfCancelled(signal);
    throw new Error(downloadFailureMessage(url, (error as Error).message));
  }
  if (!response.ok) {
    throw new Error(`Could not download ${url}: the server answered ${response.status} ${response.statusText}`.trim());
  }
  const total = Number(response.headers.get('content-length') ?? NaN);
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  let lastReport = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      const now = performance.now();
      if (now - lastReport > 100) {
        lastReport = now;
        onProgress({ url, loaded, total, fromCache: false });
      }
    }
  } catch (error) {
    throwIfCancelled(signal);
    throw new Error(`Download of ${url} was interrupted after ${loaded} bytes: ${(error as Error).message}. Retry to start it again.`);
  }
  if (Number.isFinite(total) && loaded !== total) {
    throw new Error(`Download of ${url} is incomplete (${loaded} of ${total} bytes). Retry to start it again.`);
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  onProgress({ url, loaded, total: loaded, fromCache: false });
  return { bytes: bytes.buffer, fromCache: false };
}

/** Stores a file only after it proved to be a valid model, so a broken download is never cached. */
export async function cacheModelFile(url: string, bytes: ArrayBuffer): Promise<void> {
  const cache = await caches.open(MODEL_CACHE);
  await cache.put(
    url,
    new Response(bytes, { headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.byteLength) } }),
  );
}

/** The model files kept in Cache Storage with their sizes, for the storage panel. */
export async function listCachedModelFiles(): Promise<{ url: string; bytes: number }[]> {
  if (typeof caches === 'undefined') return [];
  const cache = await caches.open(MODEL_CACHE);
  const requests = await cache.keys();
  return Promise.all(
    requests.map(async (request) => {
      const response = await cache.match(request);
      const declared = Number(response?.headers.get('Content-Length'));
      return { url: request.url, bytes: Number.isFinite(declared) && declared > 0 ? declared : ((await response?.arrayBuffer())?.byteLength ?? 0) };
    }),
  );
}

export async function deleteCachedModelFile(url: string): Promise<void> {
  await (await caches.open(MODEL_CACHE)).delete(url);
}
