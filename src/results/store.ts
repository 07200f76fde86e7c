/**
 * Results: the paper's table with Facet's figures beside it. The rows are derived from the classifier registry
 * (every kind of features × every classifier, with the paper's figure where it reports one) plus CLIP zero-shot;
 * the sections fill them in as results are computed or restored.
 */
import { create } from 'zustand';
import type { Caveat } from '../lib/comparability';
import { empty, type SectionStatus } from '../lib/sectionStatus';
import { CLASSIFIERS, FEATURE_KINDS, resultRowId } from '../train/classifiers';

/** 'zero-shot', or a registry row: "raw-mlp", "clip-forest", "clip-linear-probe", … */
export type ResultRowId = string;

export interface ResultRow {
  id: ResultRowId;
  method: string;
  /** the paper's test accuracy, when it reports one */
  paperTest?: number;
  train?: number;
  test?: number;
  settings?: string;
  seconds?: number;
  /** why the figure is not comparable with the paper's (a subset, a test model); empty or absent when it is */
  caveats?: Caveat[];
}

export const PAPER_ROWS: ResultRow[] = [
  { id: 'zero-shot', method: 'CLIP zero-shot (prompts)' },
  ...FEATURE_KINDS.flatMap((features) =>
    CLASSIFIERS.map((c) => ({ id: resultRowId(features.kind, c.kind), method: `${features.label} + ${c.label}`, paperTest: c.paperTest[features.kind] })),
  ),
];

interface ResultsState {
  rows: ResultRow[];
  status: SectionStatus;
  report(row: Partial<ResultRow> & { id: ResultRowId }): void;
  /** empties a row's measured figures (its last result was deleted) */
  clear(id: ResultRowId): void;
}

const IDLE = empty('No results yet. The paper’s table fills in as runs finish: raw-pixel MLP 41.40%, raw-pixel random forest 48.90%, CLIP + random forest 68.17%, CLIP + MLP 71.40%.');

const statusOf = (rows: ResultRow[]): SectionStatus => {
  const filled = rows.filter((r) => r.test !== undefined).length;
  return filled ? { kind: 'done', message: `${filled} of ${rows.length} rows measured in this browser.` } : IDLE;
};

export const useResultsStore = create<ResultsState>((set) => ({
  rows: PAPER_ROWS,
  status: IDLE,
  report(row) {
    set((s) => {
      const rows = s.rows.map((r) => (r.id === row.id ? { ...r, ...row } : r));
      return { rows, status: statusOf(rows) };
    });
  },
  clear(id) {
    set((s) => {
      const rows = s.rows.map((r) => (r.id === id ? { id: r.id, method: r.method, paperTest: r.paperTest } : r));
      return { rows, status: statusOf(rows) };
    });
  },
}));
