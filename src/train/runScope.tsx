/**
 * Saved runs are listed for the active dataset only: a run of fer2013-mini beside the full set's would be read as
 * one of its results. The others stay stored and are counted, and every run carries its caveats (subset, test model).
 */
import { useMemo } from 'react';
import { CaveatBadges } from '../app/CaveatBadges';
import { useDatasetStore } from '../dataset/store';
import { resultCaveats, runsOfDataset } from '../lib/comparability';
import type { ClassifierRun } from './types';

export function useActiveDatasetRuns<R extends ClassifierRun>(runs: readonly R[]): { shown: R[]; otherDatasets: number } {
  const activeId = useDatasetStore((s) => s.activeId);
  return useMemo(() => runsOfDataset(runs, activeId), [runs, activeId]);
}

export function OtherDatasetsNote({ count, what = 'runs' }: { count: number; what?: string }) {
  if (count === 0) return null;
  return (
    <p className="hint" data-testid="other-dataset-runs">
      {count} saved {count === 1 ? what.replace(/s$/, '') : what} of other datasets not listed: choose that dataset in the Dataset section to see {count === 1 ? 'it' : 'them'}.
    </p>
  );
}

export const runCaveats = (run: ClassifierRun) => resultCaveats({ testImages: run.result.test.count, rep: run.rep });

export function RunCaveats({ run }: { run: ClassifierRun }) {
  return <CaveatBadges caveats={runCaveats(run)} />;
}
