/** A classifier's saved runs in the Results table: the latest run per kind of features fills its row. */
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
  });
}

/** After a restore or a deletion: each row shows the latest run left, or nothing. */
export function reportLatestRuns(entry: AnyClassifier, runs: readonly ClassifierRun[]): void {
  for (const { kind } of FEATURE_KINDS) {
    const latest = runs.filter((r) => r.featureKind === kind).at(-1);
    if (latest) reportRun(entry, latest);
    else useResultsStore.getState().clear(resultRowId(kind, entry.kind));
  }
}
