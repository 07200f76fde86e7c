/** Starts a projection worker and returns its typed client (one place that knows the worker's URL). */
import { connect, type Client } from '../lib/rpc';
import type { ProjectWorkerApi } from './projectApi';

export type { LoadInput, LoadOutput, ProjectInput, ProjectOutput, ProjectProgress, ProjectWorkerApi, TsneOnDataInput, TsneOnDataOutput } from './projectApi';
export type ProjectWorker = Client<ProjectWorkerApi>;

export function startProjectWorker(): ProjectWorker {
  return connect<ProjectWorkerApi>(new Worker(new URL('../../workers/project.worker.ts', import.meta.url), { type: 'module', name: 'project' }));
}
