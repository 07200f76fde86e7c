/** Starts an embed worker and returns its typed client (one place that knows the worker's URL). */
import { connect, type Client } from '../lib/rpc';
import type { EmbedWorkerApi } from '../../workers/embed.worker';

export type EmbedWorker = Client<EmbedWorkerApi>;

export function startEmbedWorker(): EmbedWorker {
  return connect<EmbedWorkerApi>(new Worker(new URL('../../workers/embed.worker.ts', import.meta.url), { type: 'module', name: 'embed' }));
}
