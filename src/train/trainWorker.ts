import { connect, type Client } from '../lib/rpc';
import type { TrainWorkerApi } from '../../workers/train.worker';

export type TrainWorker = Client<TrainWorkerApi>;

export function startTrainWorker(): TrainWorker {
  return connect<TrainWorkerApi>(new Worker(new URL('../../workers/train.worker.ts', import.meta.url), { type: 'module', name: 'train' }));
}
