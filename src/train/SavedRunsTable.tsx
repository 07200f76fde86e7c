/**
 * A classifier's saved runs as a table, the same for every classifier: when, dataset and features first, the
 * classifier's own columns, the test accuracy with its caveats (subset, test model), then the row's actions. The
 * shown run is marked (aria-current); the newest run comes first.
 */
import type { ReactNode } from 'react';
import { pct } from '../lib/format';
import { RunCaveats } from './runScope';
import type { ClassifierRun } from './types';

export interface RunColumn<R> {
  header: string;
  cell: (run: R) => ReactNode;
}

export function SavedRunsTable<R extends ClassifierRun>({
  className,
  caption,
  runs,
  shownRunId,
  columns,
  actions,
  rowTitle,
}: {
  className: string;
  caption: string;
  runs: readonly R[];
  shownRunId?: string;
  /** the classifier's own columns, between Features and Test */
  columns: RunColumn<R>[];
  actions: (run: R) => ReactNode;
  rowTitle?: (run: R) => string;
}) {
  return (
    <table className={className}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Dataset</th>
          <th scope="col">Features</th>
          {columns.map((c) => (
            <th key={c.header} scope="col">
              {c.header}
            </th>
          ))}
          <th scope="col">Test</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {[...runs].reverse().map((run) => (
          <tr key={run.id} aria-current={run.id === shownRunId ? 'true' : undefined} title={rowTitle?.(run)}>
            <td>{new Date(run.createdAt).toLocaleString()}</td>
            <td>{run.datasetName}</td>
            <td>{run.result.features}</td>
            {columns.map((c) => (
              <td key={c.header}>{c.cell(run)}</td>
            ))}
            <td>
              {pct(run.result.test.accuracy)}
              <RunCaveats run={run} />
            </td>
            <td className="actions">{actions(run)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
