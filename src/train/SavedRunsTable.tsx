/**
 * A classifier's saved runs as a table, the same for every classifier: when, dataset and features first, the
 * classifier's own columns, the test accuracy with its caveats (subset, test model), then the row's actions (Show,
 * any of the classifier's own, Delete; Show and Delete wait while the classifier works). The shown run is marked
 * (aria-current); the newest run comes first.
 */
import type { ReactNode } from 'react';
import { pct } from '../lib/format';
import { RunCaveats } from './runScope';
import type { ClassifierRun } from './types';

export interface RunColumn<R> {
  header: string;
  cell: (run: R) => ReactNode;
}

export interface RunActions<R> {
  /** the buttons' noun ("Show forest"); none: "Show", "Delete" */
  noun?: string;
  /** why Show and Delete are disabled now (the classifier is working), else undefined */
  busy?: string;
  onShow: (id: string) => void;
  onDelete: (id: string) => void;
  /** the classifier's own buttons, between Show and Delete */
  extra?: (run: R) => ReactNode;
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
  actions: RunActions<R>;
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
            <td className="actions">
              <button type="button" className="secondary" disabled={Boolean(actions.busy)} title={actions.busy} onClick={() => actions.onShow(run.id)}>
                {actions.noun ? `Show ${actions.noun}` : 'Show'}
              </button>
              {actions.extra?.(run)}
              <button type="button" className="secondary" disabled={Boolean(actions.busy)} title={actions.busy} onClick={() => actions.onDelete(run.id)}>
                {actions.noun ? `Delete ${actions.noun}` : 'Delete'}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
