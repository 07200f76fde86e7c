import * as d3 from 'd3';
import { useState } from 'react';
import { LineChart } from './Curves';
import { useTrainStore } from './store';
import type { RunRecord } from './runs';
import { pct } from '../lib/format';


const FIELDS: { label: string; value: (run: RunRecord) => string }[] = [
  { label: 'Dataset', value: (r) => r.datasetName },
  { label: 'Features', value: (r) => r.result.features },
  { label: 'Hidden', value: (r) => r.result.settings.hidden.join('-') || 'linear' },
  { label: 'Activation', value: (r) => r.result.settings.activation },
  { label: 'Dropout', value: (r) => String(r.result.settings.dropout) },
  { label: 'L2', value: (r) => String(r.result.settings.l2) },
  { label: 'Learning rate (decay)', value: (r) => `${r.result.settings.learningRate} (×${r.result.settings.lrDecay}/epoch)` },
  { label: 'Batch size', value: (r) => String(r.result.settings.batchSize) },
  { label: 'Class weighting', value: (r) => (r.result.settings.classWeighting ? 'yes' : 'no') },
  { label: 'Seed', value: (r) => String(r.result.settings.seed) },
  { label: 'Epochs (best)', value: (r) => `${r.result.history.length} (${r.result.bestEpoch})${r.result.stoppedEarly ? ', stopped early' : ''}` },
  { label: 'Train accuracy', value: (r) => pct(r.result.trainAccuracy) },
  { label: 'Best validation accuracy', value: (r) => pct(r.result.history[r.result.bestEpoch - 1]?.valAcc ?? NaN) },
  { label: 'Test accuracy', value: (r) => pct(r.result.test.accuracy) },
  { label: 'PublicTest / PrivateTest', value: (r) => `${pct(r.result.publicTest.accuracy)} / ${pct(r.result.privateTest.accuracy)}` },
  { label: 'Test without images in train', value: (r) => pct(r.result.clean.accuracy) },
  { label: 'Macro F1', value: (r) => r.result.test.macroF1.toFixed(3) },
  { label: 'Time', value: (r) => `${r.result.seconds.toFixed(1)} s on ${r.result.backend}` },
];

const label = (run: RunRecord) => `${new Date(run.createdAt).toLocaleString()} · ${run.result.settings.hidden.join('-') || 'linear'} · ${run.featureKind}`;

/** Two or more saved MLP runs side by side: settings and metrics in one table, validation curves overlaid. */
export function CompareRuns() {
  const runs = useTrainStore((s) => s.runs);
  const [picked, setPicked] = useState<string[]>([]);
  const chosen = runs.filter((r) => picked.includes(r.id));
  if (runs.length < 2) return null;
  const colors = d3.schemeDark2;
  const series = (key: 'valAcc' | 'valLoss') =>
    chosen.map((run, i) => ({ name: label(run), className: 'compare', color: colors[i % colors.length], points: run.result.history.map((h) => ({ x: h.epoch, y: h[key] })) }));
  return (
    <div className="compare" role="group" aria-labelledby="compare-title">
      <h3 id="compare-title">Compare runs</h3>
      <fieldset className="controls">
        <legend>Pick two or more saved runs</legend>
        {runs.map((run) => (
          <label className="inline" key={run.id}>
            <input
              type="checkbox"
              checked={picked.includes(run.id)}
              onChange={(e) => setPicked((p) => (e.target.checked ? [...p, run.id] : p.filter((id) => id !== run.id)))}
            />{' '}
            {label(run)}
          </label>
        ))}
      </fieldset>
      {chosen.length >= 2 && (
        <>
          <table className="compare-runs">
            <caption>{chosen.length} runs side by side</caption>
            <thead>
              <tr>
                <th scope="col">Setting or metric</th>
                {chosen.map((run, i) => (
                  <th scope="col" key={run.id}>
                    <span className="legend compare">
                      <span className="swatch" style={{ background: colors[i % colors.length] }} aria-hidden="true" />
                      run {i + 1}
                    </span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {FIELDS.map((f) => (
                <tr key={f.label}>
                  <th scope="row">{f.label}</th>
                  {chosen.map((run) => (
                    <td key={run.id}>{f.value(run)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <div className="curves">
            <LineChart title="Validation accuracy" yDomain={[0, 1]} series={series('valAcc')} />
            <LineChart title="Validation loss" series={series('valLoss')} />
          </div>
        </>
      )}
    </div>
  );
}
