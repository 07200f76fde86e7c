import { useState } from 'react';
import { CaveatBadges } from '../app/CaveatBadges';
import { Section } from '../app/Section';
import { applySessionRecord, downloadReport, downloadSessionRecord, type ApplyOutcome } from '../notebook/reportActions';
import { studySummary } from '../train/dataEfficiency';
import { useDataEfficiencyStore } from '../train/dataEfficiencyStore';
import { sweepSummary, useSweepStore } from '../train/sweepStore';
import { empty, type SectionStatus } from '../lib/sectionStatus';
import type { ClassifierKind } from '../train/classifiers';
import { CLASSIFIER_STORES } from '../train/classifierStores';
import { useResultsTable } from './resultsInputs';
import { percent, ZERO_SHOT_COLUMN, type CellSource, type ResultsCell } from './resultsTable';

const IDLE = empty('No results yet. The table fills in as runs finish; the paper: raw-pixel MLP 41.40%, raw-pixel random forest 48.90%, CLIP + random forest 68.17%, CLIP + MLP 71.40%.');

const seconds = (v?: number) => (v === undefined ? '' : ` · ${v.toFixed(1)} s`);

/** Where each source of a cell is shown: the classifier's panel (its run shown there), or the Embed section's zero-shot. */
const PANEL_OF: Record<string, string> = { mlp: 'train', forest: 'forest-title', 'linear-probe': 'probe-title', [ZERO_SHOT_COLUMN]: 'embed' };

/** Opens a cell's run in its panel and scrolls there. */
function openSource(source: CellSource) {
  if (source.kind === 'run') CLASSIFIER_STORES[source.classifier as ClassifierKind]?.getState().showRun(source.id);
  document.getElementById(PANEL_OF[source.kind === 'run' ? source.classifier : ZERO_SHOT_COLUMN] ?? 'train')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
}

function Cell({ cell, row, column }: { cell: ResultsCell; row: string; column: string }) {
  const paper = cell.paperTest !== undefined && <span className="paper-figure">paper {percent(cell.paperTest)}</span>;
  if (!cell.applicable) return <td data-cell={cell.column} className="muted">no text tower</td>;
  return (
    <td data-cell={cell.column} data-source={cell.source?.id}>
      {cell.test === undefined || !cell.source ? (
        <span className="muted">not run yet</span>
      ) : (
        <button type="button" className="link" aria-label={`${row}, ${column}: test ${percent(cell.test)}; open its run`} onClick={() => openSource(cell.source!)}>
          {percent(cell.test)}
        </button>
      )}
      {paper}
      {cell.settings && (
        <small className="cell-settings">
          {cell.train !== undefined && `train ${percent(cell.train)} · `}
          {cell.settings}
          {seconds(cell.seconds)}
        </small>
      )}
      {/* after the figure and its settings: a figure from a subset or a test model is not the paper's */}
      {cell.test !== undefined && cell.caveats && cell.caveats.length > 0 && <CaveatBadges caveats={cell.caveats} />}
    </td>
  );
}

export function ResultsSection() {
  const table = useResultsTable();
  const total = table.rows.reduce((n, r) => n + r.cells.filter((c) => c.applicable).length, 0);
  const status: SectionStatus = table.measured ? { kind: 'done', message: `${table.measured} of ${total} backbone × classifier results measured in this browser.` } : IDLE;
  const sweeps = useSweepStore((s) => s.sweeps);
  const curves = useDataEfficiencyStore((s) => s.studies);
  const [applied, setApplied] = useState<ApplyOutcome | { error: string }>();
  return (
    <Section id="results" step={6} title="Results" status={status} next="train the classifiers in the Train section.">
      <table className="results-table">
        <caption>Test accuracy on the active dataset’s test split: each backbone × classifier’s latest run (click to open it), the paper’s figures beside them</caption>
        <thead>
          <tr>
            <th scope="col">Features</th>
            {table.columns.map((c) => (
              <th key={c.id} scope="col">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((r) => (
            <tr key={r.id} data-row={r.id}>
              <th scope="row">
                {r.label}
                {r.reference && <span className="badge reference-badge">reference, not a clean baseline</span>}
              </th>
              {r.cells.map((c, i) => (
                <Cell key={c.column} cell={c} row={r.label} column={table.columns[i].label} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {sweeps.length > 0 && (
        <ul className="sweep-summaries" aria-label="Stored hyperparameter sweeps">
          {sweeps.map((record) => (
            <li key={record.id}>{sweepSummary(record.value)}</li>
          ))}
        </ul>
      )}
      {curves.length > 0 && (
        <ul className="data-efficiency-summaries" aria-label="Stored data-efficiency curves">
          {curves.map((record) => (
            <li key={record.id}>{studySummary(record.value)}</li>
          ))}
        </ul>
      )}
      <div className="controls-row">
        <button type="button" onClick={() => void downloadReport()}>
          Download report (HTML)
        </button>
        <button type="button" className="secondary" onClick={downloadSessionRecord}>
          Download session record (JSON)
        </button>
        <label>
          Repeat from a session record
          <input
            type="file"
            accept="application/json,.json"
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              event.currentTarget.value = '';
              if (file) void applySessionRecord(file).then(setApplied, (error: Error) => setApplied({ error: error.message }));
            }}
          />
        </label>
      </div>
      {applied && 'error' in applied && (
        <p role="alert" className="error">
          {applied.error}
        </p>
      )}
      {applied && 'done' in applied && (
        <p role="status" data-testid="session-applied">
          Applied: {applied.done.join('; ')}. To repeat it: {applied.todo.join('; ')}.
        </p>
      )}
    </Section>
  );
}
