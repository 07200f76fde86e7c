/**
 * A classifier's saved runs in the Results table: the latest run per kind of features of the active dataset fills
 * its row (a run of another dataset says nothing about this one), with its caveats beside the paper's figure.
 */
import { useDatasetStore } from '../dataset/store';
import { resultCaveats, runsOfDataset } from '../lib/comparability';
import { useResultsStore } from '../results/store';
import { FEATURE_KINDS, resultRowId, type AnyClassifier } from './classifiers';
import type { ClassifierRun } from './types';

export function reportRun(entry: AnyClassifier, run: ClassifierRun): void {
  useResultsStore.getState().report({
    id: resultRowId(run.featureKind, entry.kind),
    train: run.result.trainAccuracy,
    test: run.result.test.accuracy,
    settings: entry.describeResult(run.result),
    seconds: run.result.seconds,
    caveats: resultCaveats({ testImages: run.result.test.count, rep: run.rep }),
  });
}

/** After a restore, a deletion or a switch of dataset: each row shows the active dataset's latest run, or nothing. */
export function reportLatestRuns(entry: AnyClassifier, runs: readonly ClassifierRun[]): void {
  const { shown } = runsOfDataset(runs, useDatasetStore.getState().activeId);
  for (const { kind } of FEATURE_KINDS) {
    const latest = shown.filter((r) => r.featureKind === kind).at(-1);
    if (latest) reportRun(entry, latest);
    else useResultsStore.getState().clear(resultRowId(kind, entry.kind));
  }
}

/** Reports `runs()` again whenever another dataset becomes the active one; returns the unsubscribe. */
export function reportOnDatasetSwitch(entry: AnyClassifier, runs: () => readonly ClassifierRun[]): () => void {
  return useDatasetStore.subscribe((state, previous) => {
    if (state.activeId !== previous.activeId) reportLatestRuns(entry, runs());
  });
}
