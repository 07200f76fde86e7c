import { connect, type Client } from '../lib/rpc';
import type { IngestWorkerApi } from '../../workers/ingest.worker';

export type IngestWorker = Client<IngestWorkerApi>;

export function startIngestWorker(): IngestWorker {
  return connect<IngestWorkerApi>(new Worker(new URL('../../workers/ingest.worker.ts', import.meta.url), { type: 'module', name: 'ingest' }));
}
