import { OtherDatasetsNote, useActiveDatasetRuns } from './runScope';
import { SavedRunsTable } from './SavedRunsTable';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatC, linearProbeClassifier } from './classifiers/linearProbe';
import { Evaluation } from './Evaluation';
import { isWorking, JobStatus } from './JobStatus';
import { probeSummary, useProbeStore } from './probeStore';
import type { FeatureKind } from './trainingInput';
import type { ProbeResult } from './types';
import { pct } from '../lib/format';
import { EmbeddingsOption } from './EmbeddingsOption';

const WHILE_FITTING = 'Disabled while a linear probe is fitted: cancel it first.';

/** The CLIP paper's linear probe: its settings, the C sweep on the validation split, and its test scores. */
export function ProbePanel() {
  const init = useProbeStore((s) => s.init);
  useEffect(() => {
    void init();
  }, [init]);
  return (
    <div className="probe" role="group" aria-labelledby="probe-title">
      <h3 id="probe-title">Linear probe</h3>
      <p className="muted">{linearProbeClassifier.blurb}</p>
      <ProbeForm />
      <JobStatus useStore={useProbeStore} label="Linear probe progress" canPause={false} />
      <ShownProbe />
      <ProbeRuns />
    </div>
  );
}

/** "auto" or a comma-separated list of positive numbers; undefined while the text is not one. */
function parseCGrid(text: string): 'auto' | number[] | undefined {
  if (text.trim().toLowerCase() === 'auto') return 'auto';
  const values = text.split(',').map((v) => Number(v.trim()));
  return values.length > 0 && values.every((v) => Number.isFinite(v) && v > 0) ? values : undefined;
}

function ProbeForm() {
  const s = useProbeStore(useShallow((s) => ({ features: s.features, settings: s.settings, setFeatures: s.setFeatures, setSettings: s.setSettings, train: s.train })));
  const working = useProbeStore(isWorking);
  const [gridText, setGridText] = useState(s.settings.cGrid === 'auto' ? 'auto' : s.settings.cGrid.join(', '));
  const gridValid = parseCGrid(gridText) !== undefined;
  return (
    <form
      className="controls"
      onSubmit={(event) => {
        event.preventDefault();
        void s.train();
      }}
    >
      <fieldset disabled={working} title={working ? WHILE_FITTING : undefined}>
        <legend>Probe</legend>
        <label>
          Probe input
          <select value={s.features} onChange={(e) => s.setFeatures(e.target.value as FeatureKind)}>
            <EmbeddingsOption />
            <option value="raw-pixels">Raw pixels</option>
          </select>
        </label>
        <label title="'auto': the paper's search, 1e-6 to 1e6 a decade apart, then refined around the best to 1/8 decade; or a comma-separated list of C values">
          C values
          <input
            value={gridText}
            aria-invalid={!gridValid}
            onChange={(e) => {
              setGridText(e.target.value);
              const grid = parseCGrid(e.target.value);
              if (grid) s.setSettings({ cGrid: grid });
            }}
          />
        </label>
        <label title="Share of the training split held out to choose C (stratified)">
          Validation share
          <input type="number" min={0.01} max={0.5} step="any" value={s.settings.validationShare} onChange={(e) => s.setSettings({ validationShare: Number(e.target.value) })} />
        </label>
        <label title="L-BFGS iterations per fit at most">
          Max iterations
          <input type="number" min={1} step={1} value={s.settings.maxIterations} onChange={(e) => s.setSettings({ maxIterations: Number(e.target.value) })} />
        </label>
        <label title="The validation split depends on it; the fit itself is deterministic">
          Probe random state
          <input type="number" step={1} value={s.settings.seed} onChange={(e) => s.setSettings({ seed: Number(e.target.value) })} />
        </label>
        <label className="inline" title="scikit-learn's class_weight='balanced', for the rare disgust class">
          <input type="checkbox" checked={s.settings.classWeighting} onChange={(e) => s.setSettings({ classWeighting: e.target.checked })} /> Balanced class weights
        </label>
        <label className="inline" title="After choosing C, fit it again on the training and validation rows together (the paper keeps the fit on the training rows)">
          <input type="checkbox" checked={s.settings.refitOnAllRows} onChange={(e) => s.setSettings({ refitOnAllRows: e.target.checked })} /> Refit on train + validation
        </label>
        <button type="submit" disabled={!gridValid} title={gridValid ? undefined : 'C values must be "auto" or positive numbers separated by commas'}>
          Fit linear probe
        </button>
      </fieldset>
    </form>
  );
}

/** Validation accuracy per C on a log axis, the chosen C marked: how sharply the probe depends on C. */
function CSweepPlot({ result }: { result: ProbeResult }) {
  const points = result.sweep.filter((p) => Number.isFinite(p.valAccuracy));
  if (points.length < 2) return null;
  const width = 420;
  const height = 180;
  const m = { left: 44, right: 12, top: 10, bottom: 30 };
  const logs = points.map((p) => Math.log10(p.c));
  const [lo, hi] = [Math.min(...logs), Math.max(...logs)];
  const x = (c: number) => m.left + ((Math.log10(c) - lo) / Math.max(hi - lo, 1e-9)) * (width - m.left - m.right);
  const y = (a: number) => height - m.bottom - a * (height - m.top - m.bottom);
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.c).toFixed(1)},${y(p.valAccuracy).toFixed(1)}`).join('');
  const ticks = Array.from({ length: Math.floor(hi) - Math.ceil(lo) + 1 }, (_, i) => Math.ceil(lo) + i);
  return (
    <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={`Validation accuracy per C; chosen C ${formatC(result.chosenC)}`} className="c-sweep">
      {[0, 0.25, 0.5, 0.75, 1].map((a) => (
        <g key={a}>
          <line x1={m.left} x2={width - m.right} y1={y(a)} y2={y(a)} stroke="currentColor" opacity={0.15} />
          <text x={m.left - 4} y={y(a) + 4} textAnchor="end" fontSize={10} fill="currentColor">
            {Math.round(a * 100)}%
          </text>
        </g>
      ))}
      {ticks.map((e) => (
        <text key={e} x={x(10 ** e)} y={height - m.bottom + 14} textAnchor="middle" fontSize={10} fill="currentColor">
          1e{e}
        </text>
      ))}
      <text x={(m.left + width - m.right) / 2} y={height - 2} textAnchor="middle" fontSize={11} fill="currentColor">
        C (log scale)
      </text>
      <path d={path} fill="none" stroke="#2f5fc4" strokeWidth={2} />
      {points.map((p) => (
        <circle key={p.c} cx={x(p.c)} cy={y(p.valAccuracy)} r={p.c === result.chosenC ? 5 : 2.5} fill={p.c === result.chosenC ? '#c45f2f' : '#2f5fc4'} />
      ))}
    </svg>
  );
}

function ShownProbe() {
  const shown = useProbeStore((s) => s.runs.find((r) => r.id === s.shownRunId));
  if (!shown) return null;
  const r = shown.result;
  return (
    <>
      <p className="muted" data-testid="probe-chosen">
        Chosen C {formatC(r.chosenC)} · {r.sweep.length} values of C fitted · {r.iterations.toLocaleString('en-US')} L-BFGS iterations · fitted on {r.fitRows.toLocaleString('en-US')} images,
        C chosen on {r.valRows.toLocaleString('en-US')} validation images
      </p>
      <CSweepPlot result={r} />
      <table className="probe-sweep">
        <caption>Validation accuracy per C (the chosen C is marked)</caption>
        <thead>
          <tr>
            <th scope="col">C</th>
            <th scope="col">Validation accuracy</th>
            <th scope="col">Validation loss</th>
            <th scope="col">Iterations</th>
          </tr>
        </thead>
        <tbody>
          {r.sweep.map((p) => (
            <tr key={p.c} aria-current={p.c === r.chosenC ? 'true' : undefined}>
              <td>
                {formatC(p.c)}
                {p.c === r.chosenC ? ' (chosen)' : ''}
              </td>
              <td>{pct(p.valAccuracy)}</td>
              <td>{Number.isFinite(p.valLoss) ? p.valLoss.toFixed(4) : '—'}</td>
              <td>{p.iterations}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Evaluation result={r} datasetId={shown.datasetId} testId="probe-accuracy" />
    </>
  );
}

function ProbeRuns() {
  const { shown: runs, otherDatasets } = useActiveDatasetRuns(useProbeStore((s) => s.runs));
  const shownRunId = useProbeStore((s) => s.shownRunId);
  const working = useProbeStore(isWorking);
  const { showRun, removeRun } = useProbeStore(useShallow((s) => ({ showRun: s.showRun, removeRun: s.removeRun })));
  if (runs.length === 0) return <OtherDatasetsNote count={otherDatasets} what="probes" />;
  return (
    <>
      <SavedRunsTable
        className="probe-runs"
        caption="Saved linear probes (kept in this browser)"
        runs={runs}
        shownRunId={shownRunId}
        rowTitle={probeSummary}
        columns={[
          { header: 'Chosen C', cell: (run) => formatC(run.result.chosenC) },
          { header: 'Train', cell: (run) => pct(run.result.trainAccuracy) },
        ]}
        actions={{ noun: 'probe', busy: working ? WHILE_FITTING : undefined, onShow: showRun, onDelete: (id) => void removeRun(id) }}
      />
      <OtherDatasetsNote count={otherDatasets} what="probes" />
    </>
  );
}
