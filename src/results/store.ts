/**
 * Results: the paper's table with Facet's figures beside it. The rows are derived from the classifier registry
 * (every kind of features × every classifier, with the paper's figure where it reports one) plus CLIP zero-shot,
 * and their figures from what the stores hold: the latest saved run of each classifier per kind of features, the
 * zero-shot result shown in Embed. Results pulls them (it is at the end of the flow); no section pushes into it,
 * so a restored, deleted or other-tab run is in the table as soon as it is in its store.
 */
import { create } from 'zustand';
import { useDatasetStore } from '../dataset/store';
import { describeZeroShot, useEmbedStore } from '../embed/store';
import { resultCaveats, runsOfDataset, type Caveat } from '../lib/comparability';
import { empty, type SectionStatus } from '../lib/sectionStatus';
import { CLASSIFIERS, FEATURE_KINDS, resultRowId } from '../train/classifiers';
import { CLASSIFIER_STORES } from '../train/classifierStores';

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
  /** why the figure is not comparable with the paper's (a subset, a test model); empty: it is */
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
}

const IDLE = empty('No results yet. The paper’s table fills in as runs finish: raw-pixel MLP 41.40%, raw-pixel random forest 48.90%, CLIP + random forest 68.17%, CLIP + MLP 71.40%.');

const statusOf = (rows: ResultRow[]): SectionStatus => {
  const filled = rows.filter((r) => r.test !== undefined).length;
  return filled ? { kind: 'done', message: `${filled} of ${rows.length} rows measured in this browser.` } : IDLE;
};

/** The table as the stores hold it now. */
export function currentResultRows(): ResultRow[] {
  const measured = new Map<ResultRowId, Partial<ResultRow>>();
  const { zeroShot, zeroShotOf } = useEmbedStore.getState();
  if (zeroShot && zeroShotOf) measured.set('zero-shot', { test: zeroShot.evaluation.accuracy, settings: describeZeroShot(zeroShot, zeroShotOf), seconds: zeroShotOf.seconds, caveats: resultCaveats({ testImages: zeroShot.scored, rep: zeroShotOf.rep }) });
  const datasetId = useDatasetStore.getState().activeId;
  for (const entry of CLASSIFIERS) {
    // A run of another dataset says nothing about this one.
    const runs = runsOfDataset(CLASSIFIER_STORES[entry.kind].getState().runs, datasetId).shown;
    for (const { kind } of FEATURE_KINDS) {
      const latest = runs.filter((r) => r.featureKind === kind).at(-1);
      if (latest) {
        const r = latest.result;
        measured.set(resultRowId(kind, entry.kind), { train: r.trainAccuracy, test: r.test.accuracy, settings: entry.describeResult(r), seconds: r.seconds, caveats: resultCaveats({ testImages: r.test.count, rep: latest.rep }) });
      }
    }
  }
  return PAPER_ROWS.map((row) => ({ ...row, ...measured.get(row.id) }));
}

const derived = (): ResultsState => {
  const rows = currentResultRows();
  return { rows, status: statusOf(rows) };
};

/** The derived table, recomputed only when a run list or the zero-shot result changes (not on a progress tick). */
export const useResultsStore = create<ResultsState>(() => derived());
const refresh = () => useResultsStore.setState(derived());
useEmbedStore.subscribe((s, previous) => {
  if (s.zeroShot !== previous.zeroShot || s.zeroShotOf !== previous.zeroShotOf) refresh();
});
useDatasetStore.subscribe((s, previous) => {
  if (s.activeId !== previous.activeId) refresh();
});
for (const store of Object.values(CLASSIFIER_STORES)) {
  store.subscribe((s, previous) => {
    if (s.runs !== previous.runs) refresh();
  });
}
