/** Starts the classify worker and returns its typed client (one place that knows the worker's URL). */
import { connect, type Client } from '../lib/rpc';
import type { ClassifyWorkerApi } from '../../workers/classify.worker';

export type ClassifyWorker = Client<ClassifyWorkerApi>;

export function startClassifyWorker(): ClassifyWorker {
  return connect<ClassifyWorkerApi>(new Worker(new URL('../../workers/classify.worker.ts', import.meta.url), { type: 'module', name: 'classify' }));
}
