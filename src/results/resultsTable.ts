/**
 * The Results table as backbones × classifiers: one row per registry backbone plus raw pixels, one column for
 * zero-shot (where the backbone has a text tower) and one per registry classifier, each cell the latest stored
 * result of that pair (and which run or record it came from), with the paper's figure where the paper reports one.
 *
 * A pure function of the stored runs, the stored zero-shot records and the two registries: the page and the report
 * build the same table from whatever gathers those (the sections' stores today), and nothing is pushed into it.
 */
import { BACKBONES, type Backbone } from '../embed/backbones';
import type { Representation } from '../embed/embeddingCache';
import { resultCaveats, type Caveat } from '../lib/comparability';
import { CLASSIFIERS, type AnyClassifier } from '../train/classifiers';
import type { ClassifierRun, FeatureKind } from '../train/types';

export const ZERO_SHOT_COLUMN = 'zero-shot';
export const RAW_PIXELS_ROW = 'raw-pixels';
/** The paper's CLIP (clip.ts labels it so): its row carries the paper's CLIP figures. */
export const PAPER_BACKBONE_ID = 'clip-vit-b-32';

/** A stored zero-shot score as the table needs it (the Embed section's record: its score and what it ran on). */
export interface ZeroShotEntry {
  id: string;
  datasetId: string;
  createdAt: string;
  test: number;
  /** how many test images it scored (fewer than FER2013's: a subset) */
  testImages: number;
  rep: Representation;
  /** prompts, model, precision, images scored: the cell's settings line */
  settings: string;
  seconds: number;
}

export interface ClassifierRuns {
  classifier: string;
  runs: readonly ClassifierRun[];
}

export interface ResultsInputs {
  runs: readonly ClassifierRuns[];
  zeroShots: readonly ZeroShotEntry[];
  /** only results on this dataset (the active one); every dataset when absent */
  datasetId?: string;
  backbones?: readonly Backbone[];
  classifiers?: readonly AnyClassifier[];
}

/** Where a cell's figure came from: a saved run of a classifier, or a stored zero-shot record. */
export type CellSource = { kind: 'run'; classifier: string; id: string } | { kind: 'zero-shot'; id: string };

export interface ResultsCell {
  column: string;
  /** false where the pair cannot exist (zero-shot without a text tower, or on raw pixels) */
  applicable: boolean;
  paperTest?: number;
  test?: number;
  train?: number;
  settings?: string;
  seconds?: number;
  createdAt?: string;
  source?: CellSource;
  /** why the figure is not comparable with the paper's (a subset, a test model); empty: it is */
  caveats?: Caveat[];
}

export interface ResultsRow {
  /** a backbone id, or 'raw-pixels' */
  id: string;
  label: string;
  /** its accuracy is a reference point, not a clean baseline (training data may overlap FER2013) */
  reference: boolean;
  cells: ResultsCell[];
}

export interface ResultsTable {
  columns: { id: string; label: string }[];
  rows: ResultsRow[];
  /** cells with a measured figure */
  measured: number;
}

/** The row a representation's results belong to; undefined for a kind no backbone makes (a removed entry). */
export function rowOfRepresentation(featureKind: FeatureKind | string, rep: Representation | undefined, backbones: readonly Backbone[] = BACKBONES): string | undefined {
  if (featureKind === 'raw-pixels' || rep?.kind === 'raw-pixels') return RAW_PIXELS_ROW;
  // Runs saved before the registry carry no representation: they were all CLIP.
  const kind = rep?.kind ?? 'clip';
  const family = backbones.filter((b) => b.repKind === kind);
  // The checkpoint that made them, else the family's entry of that dimension (a mirror or files from disk), else its first.
  return (family.find((b) => b.hubRepo === rep?.model) ?? family.find((b) => b.dim === rep?.dim) ?? family[0])?.id;
}

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function buildResultsTable({ runs, zeroShots, datasetId, backbones = BACKBONES, classifiers = CLASSIFIERS }: ResultsInputs): ResultsTable {
  const onDataset = <T extends { datasetId: string }>(items: readonly T[]) => (datasetId === undefined ? items : items.filter((i) => i.datasetId === datasetId));
  const newest = <T extends { createdAt: string }>(items: T[]) => items.reduce<T | undefined>((best, i) => (!best || i.createdAt >= best.createdAt ? i : best), undefined);

  const columns = [{ id: ZERO_SHOT_COLUMN, label: 'Zero-shot' }, ...classifiers.map((c) => ({ id: c.kind, label: capitalized(c.label) }))];

  const classifierCell = (rowId: string, features: FeatureKind, entry: AnyClassifier): ResultsCell => {
    const ofEntry = runs.filter((r) => r.classifier === entry.kind).flatMap((r) => onDataset(r.runs));
    const run = newest(ofEntry.filter((r) => rowOfRepresentation(r.featureKind, r.rep, backbones) === rowId));
    const paperTest = rowId === RAW_PIXELS_ROW || rowId === PAPER_BACKBONE_ID ? entry.paperTest[features] : undefined;
    const cell: ResultsCell = { column: entry.kind, applicable: true, paperTest };
    if (!run) return cell;
    return {
      ...cell,
      test: run.result.test.accuracy,
      train: run.result.trainAccuracy,
      settings: entry.describeResult(run.result),
      seconds: run.result.seconds,
      createdAt: run.createdAt,
      source: { kind: 'run', classifier: entry.kind, id: run.id },
      caveats: resultCaveats({ testImages: run.result.test.count, rep: run.rep }),
    };
  };

  const zeroShotCell = (rowId: string, hasText: boolean): ResultsCell => {
    if (!hasText) return { column: ZERO_SHOT_COLUMN, applicable: false };
    const record = newest(onDataset(zeroShots).filter((z) => rowOfRepresentation(z.rep.kind, z.rep, backbones) === rowId));
    if (!record) return { column: ZERO_SHOT_COLUMN, applicable: true };
    return {
      column: ZERO_SHOT_COLUMN,
      applicable: true,
      test: record.test,
      settings: record.settings,
      seconds: record.seconds,
      createdAt: record.createdAt,
      source: { kind: 'zero-shot', id: record.id },
      caveats: resultCaveats({ testImages: record.testImages, rep: record.rep }),
    };
  };

  const rows: ResultsRow[] = [
    { id: RAW_PIXELS_ROW, label: 'Raw pixels', reference: false, cells: [zeroShotCell(RAW_PIXELS_ROW, false), ...classifiers.map((c) => classifierCell(RAW_PIXELS_ROW, 'raw-pixels', c))] },
    ...backbones.map((b) => ({
      id: b.id,
      label: b.label,
      reference: b.reference,
      cells: [zeroShotCell(b.id, b.hasText), ...classifiers.map((c) => classifierCell(b.id, 'clip', c))],
    })),
  ];
  const measured = rows.reduce((n, r) => n + r.cells.filter((c) => c.test !== undefined).length, 0);
  return { columns, rows, measured };
}

/** The figure in words, for a cell's accessible name and the report: "67.10% (paper 71.40%)". */
export const percent = (v?: number) => (v === undefined || !Number.isFinite(v) ? '—' : `${(100 * v).toFixed(2)}%`);
