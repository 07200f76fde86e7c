/** Results: the paper's table with Facet's figures beside it, filled in by the sections as runs finish. */
import { create } from 'zustand';
import { empty, type SectionStatus } from '../app/sectionStatus';

export type ResultRowId = 'zero-shot' | 'raw-mlp' | 'raw-forest' | 'clip-forest' | 'clip-mlp';

export interface ResultRow {
  id: ResultRowId;
  method: string;
  /** the paper's test accuracy, when it reports one */
  paperTest?: number;
  train?: number;
  test?: number;
  settings?: string;
  seconds?: number;
}

export const PAPER_ROWS: ResultRow[] = [
  { id: 'zero-shot', method: 'CLIP zero-shot (prompts)' },
  { id: 'raw-mlp', method: 'Raw pixels + MLP', paperTest: 0.414 },
  { id: 'raw-forest', method: 'Raw pixels + random forest', paperTest: 0.489 },
  { id: 'clip-forest', method: 'CLIP + random forest', paperTest: 0.6817 },
  { id: 'clip-mlp', method: 'CLIP + MLP', paperTest: 0.714 },
];

interface ResultsState {
  rows: ResultRow[];
  status: SectionStatus;
  report(row: Partial<ResultRow> & { id: ResultRowId }): void;
}

export const useResultsStore = create<ResultsState>((set) => ({
  rows: PAPER_ROWS,
  status: empty('No results yet. The paper’s table fills in as runs finish: raw-pixel MLP 41.40%, raw-pixel random forest 48.90%, CLIP + random forest 68.17%, CLIP + MLP 71.40%.'),
  report(row) {
    set((s) => {
      const rows = s.rows.map((r) => (r.id === row.id ? { ...r, ...row } : r));
      const filled = rows.filter((r) => r.test !== undefined).length;
      return { rows, status: { kind: 'done', message: `${filled} of ${rows.length} rows measured in this browser.` } };
    });
  },
}));
