/**
 * The session as data: everything needed to say what was done (dataset identity and counts, model and precision,
 * backend and adapter, prompts, seeds and settings, every saved run's metrics and curves, the results table) and
 * to repeat it (the same settings applied to the same dataset and model). Pure: callers pass what the stores hold.
 */
import type { FaceSetManifest } from '../dataset/faceSet';
import type { Representation } from '../embed/embeddingCache';
import type { ZeroShotResult } from '../embed/zeroShotRun';
import { EMOTIONS } from '../lib/emotions';
import type { ResultsTable } from '../results/resultsTable';
import type { AnyClassifier, ReportDetails } from '../train/classifiers/types';
import type { MlpSettings } from '../train/mlpSettings';
import type { DataEfficiencyRecord, DataEfficiencyValue } from '../train/dataEfficiency';
import type { SweepRecord, SweepRow } from '../train/sweep';
import type { ClassifierRun, RunRecord } from '../train/types';

export const SESSION_FORMAT = 'facet-session';
export const SESSION_VERSION = 1;

export interface RunSummary {
  id: string;
  createdAt: string;
  datasetId: string;
  featureKind: 'clip' | 'raw-pixels';
  features: string;
  representation?: Representation;
  settings: MlpSettings;
  seconds: number;
  backend: string;
  trainAccuracy: number;
  testAccuracy: number;
  publicTestAccuracy: number;
  privateTestAccuracy: number;
  cleanTestAccuracy: number;
  bestEpoch: number;
  /** rows: true class, columns: predicted class, in EMOTIONS order */
  confusion: number[][];
  perClass: { emotion: string; precision: number; recall: number; f1: number; support: number }[];
  history: { epoch: number; loss: number; acc: number; valLoss: number; valAcc: number }[];
}

/** A saved classifier other than the MLP (forest, linear probe, …): the shared scores and its own details. */
export interface ClassifierRunSummary {
  id: string;
  createdAt: string;
  datasetId: string;
  classifier: string;
  label: string;
  featureKind: 'clip' | 'raw-pixels';
  features: string;
  settings: unknown;
  /** the settings in words */
  described: string;
  seconds: number;
  trainAccuracy: number;
  testAccuracy: number;
  publicTestAccuracy: number;
  privateTestAccuracy: number;
  cleanTestAccuracy: number;
  confusion: number[][];
  perClass: RunSummary['perClass'];
  details: ReportDetails;
}

export interface SweepSummary {
  id: string;
  createdAt: string;
  title: string;
  trainedOn: string;
  grid: { hidden: string; learningRates: string; dropouts: string };
  complete: boolean;
  configCount: number;
  rows: SweepRow[];
}

/** A stored data-efficiency study: its settings (seed, k, draws, C), every point and its title. */
export interface DataEfficiencySummary extends DataEfficiencyValue {
  id: string;
  datasetId: string;
  createdAt: string;
  title: string;
}

export interface SessionRecord {
  format: typeof SESSION_FORMAT;
  version: number;
  createdAt: string;
  environment: { userAgent: string; backend?: string; adapter?: string; wasmThreads?: number; crossOriginIsolated?: boolean };
  dataset?: { id: string; name: string; count: number; train: number; test: number; perEmotion: Record<string, { train: number; test: number }> };
  model?: { sourceKind: string; repo?: string; mirrorUrl?: string; precision: string; representation?: Representation; backend: string };
  prompts: { template: string; ensemble: boolean; perClass?: string[] };
  embedding?: { embedded: number; total: number };
  zeroShot?: { accuracy: number; scored: number; testImages: number; perClassRecall: Record<string, number> };
  training: { features: string; settings: MlpSettings };
  /** Results as backbones × classifiers (src/results/resultsTable.ts), as the page showed it (absent in records of before it) */
  resultsTable?: ResultsTable;
  runs: RunSummary[];
  selectedRunId?: string;
  /** every other classifier's saved runs, per registry entry */
  classifierRuns?: ClassifierRunSummary[];
  /** stored hyperparameter sweeps */
  sweeps?: SweepSummary[];
  /** stored data-efficiency studies */
  dataEfficiency?: DataEfficiencySummary[];
  /** settings of other sections (projection, ...) keyed by section */
  extra?: Record<string, unknown>;
}

export interface SessionInputs {
  dataset?: FaceSetManifest;
  embed: {
    sourceKind: string;
    repo: string;
    mirrorUrl: string;
    precision: string;
    backend: string;
    template: string;
    ensemble: boolean;
    representation?: Representation;
    coverage?: { embedded: number; total: number };
    zeroShot?: ZeroShotResult;
  };
  environment: SessionRecord['environment'];
  training: { features: string; settings: MlpSettings; runs: RunRecord[]; shownRunId?: string };
  resultsTable: ResultsTable;
  /** saved runs of the registry's other classifiers */
  classifierRuns?: { entry: AnyClassifier; runs: readonly ClassifierRun[] }[];
  sweeps?: readonly SweepRecord[];
  dataEfficiency?: readonly DataEfficiencyRecord[];
  extra?: Record<string, unknown>;
  now?: Date;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

export function summarizeRun(run: RunRecord): RunSummary {
  const r = run.result;
  return {
    id: run.id,
    createdAt: run.createdAt,
    datasetId: run.datasetId,
    featureKind: run.featureKind,
    features: r.features,
    representation: run.rep,
    settings: r.settings,
    seconds: r.seconds,
    backend: r.backend,
    trainAccuracy: r.trainAccuracy,
    testAccuracy: r.test.accuracy,
    publicTestAccuracy: r.publicTest.accuracy,
    privateTestAccuracy: r.privateTest.accuracy,
    cleanTestAccuracy: r.clean.accuracy,
    bestEpoch: r.bestEpoch,
    confusion: confusionRows(r.test.confusion),
    perClass: r.test.perClass.map((m, i) => ({ emotion: EMOTIONS[i], ...m })),
    history: r.history.map(({ epoch, loss, acc, valLoss, valAcc }) => ({ epoch, loss, acc, valLoss, valAcc })),
  };
}

const confusionRows = (confusion: ArrayLike<number>) => {
  const k = EMOTIONS.length;
  return EMOTIONS.map((_, t) => Array.from({ length: k }, (_, p) => confusion[t * k + p]));
};

export function summarizeClassifierRun(entry: AnyClassifier, run: ClassifierRun): ClassifierRunSummary {
  const r = run.result;
  return {
    id: run.id,
    createdAt: run.createdAt,
    datasetId: run.datasetId,
    classifier: entry.kind,
    label: entry.label,
    featureKind: run.featureKind,
    features: r.features,
    settings: r.settings,
    described: entry.describe(r.settings),
    seconds: r.seconds,
    trainAccuracy: r.trainAccuracy,
    testAccuracy: r.test.accuracy,
    publicTestAccuracy: r.publicTest.accuracy,
    privateTestAccuracy: r.privateTest.accuracy,
    cleanTestAccuracy: r.clean.accuracy,
    confusion: confusionRows(r.test.confusion),
    perClass: r.test.perClass.map((m, i) => ({ emotion: EMOTIONS[i], ...m })),
    details: entry.reportDetails(r),
  };
}

export const summarizeSweep = (record: SweepRecord): SweepSummary => ({
  id: record.id,
  createdAt: record.createdAt,
  title: record.title,
  trainedOn: record.value.trainedOn,
  grid: record.value.grid,
  complete: record.value.complete,
  configCount: record.value.configCount,
  rows: record.value.rows,
});

export function collectSessionRecord(inputs: SessionInputs): SessionRecord {
  const { dataset, embed, training } = inputs;
  return {
    format: SESSION_FORMAT,
    version: SESSION_VERSION,
    createdAt: (inputs.now ?? new Date()).toISOString(),
    environment: inputs.environment,
    dataset: dataset && {
      id: dataset.id,
      name: dataset.name,
      count: dataset.count,
      train: sum(dataset.counts.train),
      test: sum(dataset.counts.test),
      perEmotion: Object.fromEntries(EMOTIONS.map((e, i) => [e, { train: dataset.counts.train[i], test: dataset.counts.test[i] }])),
    },
    model: embed.representation && {
      sourceKind: embed.sourceKind,
      // The model that made the embeddings, as loaded: the form may have been edited since.
      repo: embed.sourceKind === 'hub' ? (embed.representation.model ?? embed.repo) : undefined,
      mirrorUrl: embed.sourceKind === 'mirror' ? (embed.representation.model ?? embed.mirrorUrl) : undefined,
      precision: embed.representation.precision ?? embed.precision,
      representation: embed.representation,
      backend: embed.backend,
    },
    prompts: { template: embed.template, ensemble: embed.ensemble },
    embedding: embed.coverage,
    zeroShot: embed.zeroShot && {
      accuracy: embed.zeroShot.evaluation.accuracy,
      scored: embed.zeroShot.scored,
      testImages: embed.zeroShot.testImages,
      perClassRecall: Object.fromEntries(EMOTIONS.map((e, i) => [e, embed.zeroShot!.evaluation.perClass[i].recall])),
    },
    training: { features: training.features, settings: training.settings },
    resultsTable: inputs.resultsTable,
    runs: training.runs.map(summarizeRun),
    selectedRunId: training.shownRunId,
    classifierRuns: (inputs.classifierRuns ?? []).flatMap(({ entry, runs }) => runs.map((run) => summarizeClassifierRun(entry, run))),
    sweeps: (inputs.sweeps ?? []).map(summarizeSweep),
    dataEfficiency: (inputs.dataEfficiency ?? []).map((r) => ({ id: r.id, datasetId: r.datasetId, createdAt: r.createdAt, title: r.title, ...r.value })),
    extra: inputs.extra,
  };
}

/** Checks a parsed file is a session record this version reads; throws naming what is wrong. */
export function parseSessionRecord(text: string, fileName = 'the session record'): SessionRecord {
  try {
    return checkSessionRecord(text);
  } catch (error) {
    throw new Error(`“${fileName}”: ${(error as Error).message}`, { cause: error });
  }
}

function checkSessionRecord(text: string): SessionRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('This file is not JSON: choose a Facet session record (facet-session-….json).');
  }
  const record = value as Partial<SessionRecord>;
  if (record?.format !== SESSION_FORMAT) throw new Error('This JSON is not a Facet session record (its "format" is not "facet-session").');
  if (typeof record.version !== 'number' || record.version > SESSION_VERSION) {
    throw new Error(`This session record has version ${String(record.version)}; this Facet reads version ${SESSION_VERSION} and older.`);
  }
  if (!record.training?.settings || !Array.isArray(record.runs) || !record.prompts) throw new Error('This session record is incomplete (training settings, runs or prompts are missing).');
  return record as SessionRecord;
}
