/**
 * The train worker, started on first use and shared by every train job of the page (MLP, forest, linear probe,
 * sweep); a crashed worker is replaced by a fresh one at the next job. Its pause state is per job id.
 */
import { connect, type Client } from '../lib/rpc';
import type { TrainWorkerApi } from '../../workers/train.worker';

export type TrainWorker = Client<TrainWorkerApi>;

/** A worker of its own (the speed tests terminate theirs); the page's jobs use trainWorker(). */
export function startTrainWorker(): TrainWorker {
  return connect<TrainWorkerApi>(new Worker(new URL('../../workers/train.worker.ts', import.meta.url), { type: 'module', name: 'train' }));
}

let shared: TrainWorker | undefined;

/** The page's one train worker: started lazily, started again after a crash. */
export function trainWorker(): TrainWorker {
  if (!shared || shared.crashed) shared = startTrainWorker();
  return shared;
}
