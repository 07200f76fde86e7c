/**
 * The train worker, started on first use and shared by every train job of the page (MLP, forest, linear probe,
 * sweep); a crashed worker is replaced by a fresh one at the next job. Its pause state is per job id.
 */
import { connect, type Client, type JobContext } from '../lib/rpc';
import type { ClassifierKind } from './classifiers';
import type { DataEfficiencyJob, DataEfficiencyProgress } from './dataEfficiencyRun';
import type { DataEfficiencyPoint } from './dataEfficiency';
import type { MlpSettings } from './mlpSettings';
import type { SavedRunInput } from './runPredictor';
import type { SweepRow } from './sweep';
import type { ClassifierRun, Features } from './types';

export type SweepProgress = { type: 'config'; index: number; total: number } | { type: 'epoch'; index: number; epoch: number; epochs: number } | { type: 'row'; row: SweepRow };

/** What a classifier job reports: a stage, or the classifier's own step (an MLP batch or epoch, a tree, a C). */
export type ClassifierProgress = { type: 'stage'; message: string } | ({ type: string } & Record<string, unknown>);

/** The train worker's contract (workers/train.worker.ts implements it; each job is documented there). */
export type TrainWorkerApi = {
  /** What the MLP trains on: the WASM kernel off WebGPU, or TensorFlow.js on WebGPU. */
  backend(): Promise<string>;
  train(
    input: { jobId: string; classifier: ClassifierKind; datasetId: string; datasetName: string; features: Features; settings: unknown; save?: boolean; checkpoint?: string },
    ctx: JobContext<ClassifierProgress>,
  ): Promise<ClassifierRun>;
  sweep(input: { jobId: string; datasetId: string; features: Features; configs: MlpSettings[] }, ctx: JobContext<SweepProgress>): Promise<SweepRow[]>;
  dataEfficiency(
    input: { jobId: string; datasetId: string; features: Features } & DataEfficiencyJob,
    ctx: JobContext<DataEfficiencyProgress>,
  ): Promise<{ c?: number; points: DataEfficiencyPoint[] }>;
  speedTest(input: { n: number; dim: number; epochs: number; threads?: number }, ctx: JobContext<number>): Promise<{ msPerEpoch: number[]; backend: string; batchLosses: number[] }>;
  predictWithRun(input: SavedRunInput): Promise<Float32Array>;
  /** Pauses or resumes one job; the others go on. */
  setPaused(input: { jobId: string; paused: boolean }): Promise<void>;
};

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
