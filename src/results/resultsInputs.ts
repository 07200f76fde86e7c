/**
 * What the Results table is built from, gathered from where it is kept: every classifier store's saved runs, the
 * stored zero-shot records and the active dataset. The table itself is buildResultsTable's pure function of these.
 */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { useDatasetStore } from '../dataset/store';
import { CLASSIFIERS } from '../train/classifiers';
import { CLASSIFIER_STORES } from '../train/classifierStores';
import { buildResultsTable, type ClassifierRuns, type ResultsTable } from './resultsTable';
import { useZeroShotRecords, watchZeroShots } from './zeroShotRecords';

let runsSnapshot: ClassifierRuns[] = [];
/** Every classifier's runs; the same array while no store's runs changed (useSyncExternalStore needs a stable snapshot). */
function allRuns(): ClassifierRuns[] {
  const now = CLASSIFIERS.map((c) => ({ classifier: c.kind, runs: CLASSIFIER_STORES[c.kind].getState().runs }));
  if (now.length !== runsSnapshot.length || now.some((n, i) => n.runs !== runsSnapshot[i].runs)) runsSnapshot = now;
  return runsSnapshot;
}
function subscribeRuns(listener: () => void): () => void {
  const stops = CLASSIFIERS.map((c) => CLASSIFIER_STORES[c.kind].subscribe(listener));
  return () => stops.forEach((stop) => stop());
}

/** The table as the stores hold it now (the report and the session record take this). */
export function currentResultsTable(): ResultsTable {
  return buildResultsTable({ runs: allRuns(), zeroShots: useZeroShotRecords.getState().zeroShots, datasetId: useDatasetStore.getState().activeId });
}

/** The table, rebuilt when a run, a zero-shot record or the active dataset changes. */
export function useResultsTable(): ResultsTable {
  const runs = useSyncExternalStore(subscribeRuns, allRuns);
  const zeroShots = useZeroShotRecords((s) => s.zeroShots);
  const datasetId = useDatasetStore((s) => s.activeId);
  useEffect(watchZeroShots, []);
  return useMemo(() => buildResultsTable({ runs, zeroShots, datasetId }), [runs, zeroShots, datasetId]);
}
