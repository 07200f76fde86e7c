/**
 * The shapes every part of Train shares: the features a classifier learns from, what a scored classifier carries,
 * each classifier's result and the saved records. Types only (no code, no TensorFlow.js): the stores, the worker,
 * the storage helpers and the report import them from here, so none of them imports another for a type.
 */
import type { Representation } from '../embed/embeddingCache';
import type { Evaluation, SubsetScore } from '../lib/metrics';
import type { ForestSettings } from './forest';
import type { CSweepPoint, LinearProbeSettings } from './linearProbe';
import type { EpochLog, MlpSettings } from './mlpSettings';

export type FeatureKind = 'clip' | 'raw-pixels';
export type Features = { kind: 'clip'; rep: Representation } | { kind: 'raw-pixels' };

/** per test image: its position in the dataset, the true and predicted class and that prediction's probability */
export interface TestPredictions {
  indices: Uint32Array;
  truth: Uint8Array;
  predicted: Uint8Array;
  probability: Float32Array;
}

/** How a trained classifier scores, the same for every kind (scoreClassifier in trainingData.ts). */
export interface ClassifierScores {
  trainAccuracy: number;
  test: Evaluation;
  publicTest: SubsetScore;
  privateTest: SubsetScore;
  clean: SubsetScore;
  trainCount: number;
  testPredictions: TestPredictions;
}

/** What every classifier's result holds besides its own details. */
export interface ScoredResult<S = unknown> extends ClassifierScores {
  /** the registry kind; absent on MLP runs saved before the registry */
  classifier?: string;
  /** the features in words, e.g. "CLIP Xenova/clip-vit-base-patch32 quantized" */
  features: string;
  settings: S;
  /** whole run: loading, training, scoring */
  seconds: number;
}

export interface MlpDetails {
  history: EpochLog[];
  bestEpoch: number;
  stoppedEarly: boolean;
  backend: string;
  /** the epoch of the checkpoint this run went on from after a reload (absent: trained in one go) */
  resumedFrom?: number;
  /** with resumedFrom: the seconds trained before it (`seconds` counts only the run that went on) */
  secondsBeforeResume?: number;
}
export type TrainResult = ScoredResult<MlpSettings> & MlpDetails;

export interface ForestDetails {
  /** out-of-bag accuracy on the training split (NaN without bootstrap) */
  oobAccuracy: number;
  binningSeconds: number;
  msPerTree: number[];
  nodeCount: number;
  meanDepth: number;
  /** bytes of the stored forest (its typed arrays) */
  storedBytes: number;
  /** test accuracy of the first k trees: what a smaller forest reaches */
  testAccuracyBySize: { trees: number; accuracy: number }[];
}
export type ForestResult = ScoredResult<ForestSettings> & ForestDetails & { classifier: 'forest' };

export interface ProbeDetails {
  /** every C fitted on the training rows, scored on the validation split, in ascending C */
  sweep: CSweepPoint[];
  chosenC: number;
  /** L-BFGS iterations of all fits together */
  iterations: number;
  /** rows the kept model was fitted on, and the validation rows that chose C */
  fitRows: number;
  valRows: number;
}
export type ProbeResult = ScoredResult<LinearProbeSettings> & ProbeDetails & { classifier: 'linear-probe' };

/** What every saved run records besides its result: which data and which features it learned from. */
export interface RunIdentity {
  id: string;
  createdAt: string;
  datasetId: string;
  datasetName: string;
  featureKind: FeatureKind;
  rep?: Representation;
}

/** A saved classifier of any kind: its identity and its result. */
export interface ClassifierRun<R extends ScoredResult = ScoredResult> extends RunIdentity {
  result: R;
}
export type RunRecord = ClassifierRun<TrainResult>;
export type ForestRunRecord = ClassifierRun<ForestResult>;
export type ProbeRunRecord = ClassifierRun<ProbeResult>;

/** TensorFlow.js model files: model.json's topology and weight manifest, and the weights. */
export interface ModelFiles {
  modelTopology: object;
  weightSpecs: object[];
  weightData: ArrayBuffer;
}

/** Progress every classifier's job reports: a stage message, or the classifier's own step. */
export type StageProgress = { type: 'stage'; message: string };
