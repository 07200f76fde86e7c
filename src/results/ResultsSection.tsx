import { useState } from 'react';
import { CaveatBadges } from '../app/CaveatBadges';
import { Section } from '../app/Section';
import { applySessionRecord, downloadReport, downloadSessionRecord, type ApplyOutcome } from '../notebook/reportActions';
import { studySummary } from '../train/dataEfficiency';
import { useDataEfficiencyStore } from '../train/dataEfficiencyStore';
import { sweepSummary, useSweepStore } from '../train/sweepStore';
import { useResultsStore } from './store';
import { pct } from '../lib/format';


export function ResultsSection() {
  const rows = useResultsStore((s) => s.rows);
  const status = useResultsStore((s) => s.status);
  const sweeps = useSweepStore((s) => s.sweeps);
  const curves = useDataEfficiencyStore((s) => s.studies);
  const [applied, setApplied] = useState<ApplyOutcome | { error: string }>();
  return (
    <Section id="results" step={6} title="Results" status={status} next="train the classifiers in the Train section.">
      <table className="results-table">
        <caption>The paper’s test accuracy beside this browser’s (FER2013 test split)</caption>
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col">Paper, test</th>
            <th scope="col">Facet, train</th>
            <th scope="col">Facet, test</th>
            <th scope="col">Settings</th>
            <th scope="col">Time</th>
            <th scope="col">Comparable with the paper</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-row={r.id}>
              <th scope="row">{r.method}</th>
              <td>{r.paperTest === undefined ? 'not reported' : pct(r.paperTest)}</td>
              <td>{pct(r.train)}</td>
              <td>{pct(r.test)}</td>
              <td>{r.settings ?? 'not run yet'}</td>
              <td>{r.seconds === undefined ? '—' : `${r.seconds.toFixed(1)} s`}</td>
              <td>{r.test === undefined ? '—' : r.caveats?.length ? <CaveatBadges caveats={r.caveats} /> : 'yes'}</td>
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
