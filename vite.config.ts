import { createReadStream, existsSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Connect, type Plugin } from 'vite';

// Cross-origin isolation gives the page SharedArrayBuffer, which onnxruntime-web needs for multi-threaded WASM.
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Serves the generated CLIP-shaped test models (`npm run models`, written to models/<preset>/ in the hub's file
 * layout) at /models/<preset>/... in dev and preview, so tests and benchmarks load them through the same
 * mirror-URL code path as a self-hosted copy of the real model. They are never copied into the build.
 */
export function serveGeneratedModels(): Plugin {
  const root = resolve(import.meta.dirname, 'models');
  const handler: Connect.NextHandleFunction = (req, res, next) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (!url.pathname.startsWith('/models/')) return next();
    const file = resolve(root, decodeURIComponent(url.pathname.slice('/models/'.length)));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      return res.end('not found');
    }
    for (const [name, value] of Object.entries(isolationHeaders)) res.setHeader(name, value);
    res.setHeader('Content-Type', file.endsWith('.json') ? 'application/json' : 'application/octet-stream');
    res.setHeader('Content-Length', String(statSync(file).size));
    createReadStream(file).pipe(res);
  };
  return {
    name: 'facet-generated-models',
    configureServer: (server) => void server.middlewares.use(handler),
    configurePreviewServer: (server) => void server.middlewares.use(handler),
  };
}

/**
 * The Content-Security-Policy of the built pages (a meta tag, so any static host serves it): scripts, workers and
 * WebAssembly only from the app's own origin (no inline script, no eval; 'wasm-unsafe-eval' only lets WebAssembly
 * compile), and network requests only to the app's origin and the model source. The Hugging Face Hub redirects
 * downloads to its CDN hosts (*.huggingface.co, *.hf.co). A self-hosted mirror on another origin is added at build
 * time: FACET_MODEL_ORIGINS="https://models.example.org" npm run build.
 */
export function contentSecurityPolicy(extraModelOrigins = process.env.FACET_MODEL_ORIGINS ?? ''): string {
  const modelOrigins = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co', ...extraModelOrigins.split(/[\s,]+/).filter(Boolean)];
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    `connect-src 'self' ${modelOrigins.join(' ')}`,
    "img-src 'self' blob: data:",
    "media-src 'self' blob:",
    "style-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'facet-content-security-policy',
    apply: 'build', // the dev server injects inline scripts for hot reload
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy() }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  plugins: [react(), serveGeneratedModels(), contentSecurityPolicyMeta()],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  optimizeDeps: {
    // onnxruntime-web locates its .wasm beside its own module; pre-bundling would move the module away from it.
    exclude: ['onnxruntime-web'],
    // The dependency scanner follows index.html's imports, not workers started with new URL(...): a package only a
    // worker imports would be found when the worker first loads it, and the dev server would then reload the page.
    // Scanning the workers too, and naming their packages, has them all pre-bundled before the page first loads.
    entries: ['index.html', 'diagnostics.html', 'workers/*.worker.ts'],
    include: [
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgpu',
      '@vladmandic/face-api/dist/face-api.esm-nobundle.js',
      '@jsquash/jpeg/decode.js',
      '@jsquash/jpeg/encode.js',
      '@huggingface/tokenizers',
      'umap-js',
      'comlink',
      'fflate',
      'idb-keyval',
    ],
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      input: { main: resolve(import.meta.dirname, 'index.html'), diagnostics: resolve(import.meta.dirname, 'diagnostics.html') },
    },
  },
});
