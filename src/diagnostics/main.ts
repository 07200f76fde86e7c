import '../app/app.css';
import { describeBackend } from '../lib/compute';
import type { Precision } from '../embed/modelSource';
import { Diagnostics } from './speedTest';
import { startProjectWorker } from '../explore/projectWorker';
import { panFramesPerSecond } from '../explore/panSpeed';

const diagnostics = new Diagnostics();
(globalThis as { facetDiagnostics?: Diagnostics }).facetDiagnostics = diagnostics;
// For `npm run bench explore`: the Explore section's t-SNE worker and map drawing, driven from the benchmark.
(globalThis as { facetProjection?: unknown }).facetProjection = { worker: startProjectWorker(), panFramesPerSecond };

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
$<HTMLInputElement>('base-url').value = new URL('/models/tiny/', location.href).href;

$<HTMLFormElement>('speed-test').addEventListener('submit', async (event) => {
  event.preventDefault();
  const result = $('result');
  const button = (event.target as HTMLFormElement).querySelector('button')!;
  button.disabled = true;
  try {
    result.textContent = 'Loading the model…';
    const loaded = await diagnostics.loadVision({
      baseUrl: $<HTMLInputElement>('base-url').value,
      precision: $<HTMLSelectElement>('precision').value as Precision,
      backend: $<HTMLSelectElement>('backend').value as 'auto' | 'wasm' | 'webgpu',
    });
    result.textContent = `Running on ${describeBackend(loaded.backend)}…`;
    const batch = Number($<HTMLInputElement>('batch').value);
    const speed = await diagnostics.speedTest(batch, 3);
    result.textContent = `${speed.imagesPerSecond.toFixed(1)} images/s at batch ${batch} on ${describeBackend(loaded.backend)} (${loaded.iface.dim}-d embeddings)`;
  } catch (error) {
    result.textContent = `Failed: ${(error as Error).message}`;
  } finally {
    button.disabled = false;
  }
});
