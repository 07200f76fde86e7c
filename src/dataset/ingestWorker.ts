import { connect, type Client, type JobContext } from '../lib/rpc';
import type { FacePage } from './browse';
import type { IngestProgress, IngestResult } from './ingest';

/** The ingest worker's contract (workers/ingest.worker.ts implements it). */
export type IngestWorkerApi = {
  ingest(input: { file: File }, ctx: JobContext<IngestProgress>): Promise<IngestResult>;
  facePage(input: { id: string; label: number; offset: number; count: number }): Promise<FacePage>;
  faces(input: { id: string; indices: number[] }): Promise<Uint8Array>;
  deleteDataset(input: { id: string }): Promise<void>;
  /** Removes what interrupted imports left, unless an import (of any tab) is running: its records look the same. */
  removeOrphans(): Promise<string[]>;
};

export type IngestWorker = Client<IngestWorkerApi>;

export function startIngestWorker(): IngestWorker {
  return connect<IngestWorkerApi>(new Worker(new URL('../../workers/ingest.worker.ts', import.meta.url), { type: 'module', name: 'ingest' }));
}
