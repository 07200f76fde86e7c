import * as d3 from 'd3';
import { useState } from 'react';
import { LineChart } from './Curves';
import { useTrainStore } from './store';
import type { RunRecord } from './runs';
import { pct } from '../lib/format';
import { useActiveDatasetRuns } from './runScope';
import { runFeaturesName } from './featureNames';


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

/**
 * A run's short name, "Run 3 · 14:02" (the date too when it is not today's): legends and column heads stay on one
 * line, where the full timestamp wrapped onto three or four. `number` counts the dataset's runs from the oldest.
 */
export function shortRunName(number: number, createdAt: string, now = new Date()): string {
  const at = new Date(createdAt);
  const time = at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  const sameDay = at.toDateString() === now.toDateString();
  return `Run ${number} · ${sameDay ? '' : `${at.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} `}${time}`;
}

/** The settings that tell runs apart, for the checkbox beside the short name. */
const keySettings = (run: RunRecord) => `${run.result.settings.hidden.join('-') || 'linear'} hidden · ${runFeaturesName(run)}`;

/** Two or more saved MLP runs of the active dataset side by side: settings and metrics in one table, validation curves overlaid. */
export function CompareRuns() {
  const { shown: runs } = useActiveDatasetRuns(useTrainStore((s) => s.runs));
  const [picked, setPicked] = useState<string[]>([]);
  const chosen = runs.filter((r) => picked.includes(r.id));
  if (runs.length < 2) return null;
  const name = (run: RunRecord) => shortRunName(runs.indexOf(run) + 1, run.createdAt);
  const colors = d3.schemeDark2;
  const series = (key: 'valAcc' | 'valLoss') =>
    chosen.map((run, i) => ({ name: name(run), className: 'compare', color: colors[i % colors.length], points: run.result.history.map((h) => ({ x: h.epoch, y: h[key] })) }));
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
            {name(run)} <span className="muted">· {keySettings(run)}</span>
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
                      {name(run)}
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
            <LineChart title="Validation accuracy" yDomain={[0, 1]} series={series('valAcc')} width={520} height={260} />
            <LineChart title="Validation loss" series={series('valLoss')} width={520} height={260} />
          </div>
        </>
      )}
    </div>
  );
}
