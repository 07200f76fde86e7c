/**
 * A classifier, as the registry (index.ts) knows it: what the page needs (kind, label, defaults, describe, the
 * paper's figures, where its records live) and what the train worker needs (train, predict, serialize,
 * deserialize). Everything per classifier lives in one file beside this one; the worker's job, the stores,
 * Results, the report and the storage panel read the registry instead of naming classifiers.
 */
import type { TrainingData } from '../trainingData';
import type { FeatureKind, ScoredResult, StageProgress } from '../types';

export type ClassifierKind = 'mlp' | 'forest' | 'linear-probe';

export interface ReportDetails {
  lines: string[];
  tables: { caption: string; columns: string[]; rows: string[][] }[];
}

/** What a classifier's train step gets from the job besides the data. */
export interface ClassifierContext<P> {
  signal: AbortSignal;
  /** resolves when the job may go on: pause support, checked between steps */
  gate: () => Promise<void>;
  progress: (update: P | StageProgress) => void;
  /** where this job keeps its epoch checkpoints (MLP runs on the WASM kernel); absent: keep none */
  checkpoints?: CheckpointSlot;
}

/**
 * A job's checkpoint in storage (src/train/checkpoints.ts): the classifier's own state after an epoch, stored whole
 * or not at all, each one replacing the one before.
 */
export interface CheckpointSlot<C = unknown> {
  /** the stored state and its epoch, if this job has one (refused when it was made for other data or settings) */
  load(): Promise<{ state: C; epoch: number } | undefined>;
  /** stores the state after `epoch`: true once written, false when a newer state replaced it before its turn */
  save(state: C, epoch: number, engine: string): Promise<boolean>;
  /** resolves when every write asked for has ended */
  flush(): Promise<void>;
}

export interface Classifier<S, M, D extends object, P, R extends ScoredResult<S> = ScoredResult<S> & D> {
  kind: ClassifierKind;
  /** the classifier in words, as Results names it: "CLIP + {label}" */
  label: string;
  /** one line under the panel title: what it is and where it comes from */
  blurb: string;
  /** the paper's test accuracy per feature kind, where the paper reports one */
  paperTest: Partial<Record<FeatureKind, number>>;
  defaults: S;
  /** IndexedDB key prefixes in facet-runs: the record and the model, stored in one transaction */
  storage: { record: string; model: string };
  /** the settings in one line (Results, report, storage panel) */
  describe(settings: S): string;
  /** the Results row's settings column: the settings plus what the run found (epochs, chosen C, s per tree) */
  describeResult(result: R): string;
  /** worker side: fits the model on data.train; the details join the result */
  train(data: TrainingData, settings: S, ctx: ClassifierContext<P>): Promise<{ model: M; details: D }>;
  /** class probabilities, EMOTION_COUNT per row of `rows` */
  predict(model: M, x: Float32Array, dim: number, rows: number[]): Float32Array;
  /** the model as stored (plain data, typed arrays, ArrayBuffers) */
  serialize(model: M): Promise<unknown>;
  deserialize(stored: unknown): Promise<M>;
  /** what the report shows of a run besides the shared scores: lines of figures and small tables */
  reportDetails(result: R): ReportDetails;
  /** bytes the stored model takes (storage panel) */
  storedBytes(stored: unknown): number;
  dispose?(model: M): void;
}

// The registry holds entries of different settings and model types side by side.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyClassifier = Classifier<any, any, any, any, any>;
