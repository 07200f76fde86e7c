/** A registry classifier's job in the page's shared train worker, with its progress guarded by the job runner. */
import type { RunningJob } from '../lib/jobs/jobRunner';
import type { AnyClassifier } from './classifiers';
import type { TrainingInput } from './trainingInput';
import { trainWorker } from './trainWorker';

export type ReadyInput = Extract<TrainingInput, { ok: true }>;

/** Runs a registry entry's job in the shared train worker; stage updates become the working message. */
/** `checkpoint`: the key the job's epoch checkpoints are stored under (and gone on from, when one is stored). */
export function classifierJob<S>(entry: AnyClassifier, settings: S, input: ReadyInput, job: RunningJob, onUpdate: (update: { type: string } & Record<string, unknown>) => void, checkpoint?: string) {
  return trainWorker().train(
    { jobId: job.id, classifier: entry.kind, datasetId: input.datasetId, datasetName: input.datasetName, features: input.features, settings, checkpoint },
    {
      signal: job.signal,
      onProgress: job.guard((p: { type: string } & Record<string, unknown>) => (p.type === 'stage' ? job.working(String(p.message)) : onUpdate(p))),
    },
  );
}

