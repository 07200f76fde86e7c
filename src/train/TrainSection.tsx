import { useEffect } from 'react';
import { Section } from '../app/Section';
import { CompareRuns } from './CompareRuns';
import { Curves } from './Curves';
import { Evaluation } from './Evaluation';
import { ForestPanel } from './ForestPanel';
import { mlpRunSource } from './occlusionSources';
import { OcclusionStudyPanel } from './OcclusionStudyPanel';
import { useTrainStore } from './store';
import type { FeatureKind } from './trainingInput';
import { SweepPanel } from './SweepPanel';

export function TrainSection() {
  const s = useTrainStore();
  const working = s.status.kind === 'working';
  const shownRun = s.runs.find((r) => r.id === s.shownRunId);
  const { init } = s;
  useEffect(() => {
    void init();
  }, [init]);
  const num = (key: 'dropout' | 'learningRate' | 'epochs' | 'batchSize' | 'seed' | 'l2' | 'patience') => ({
    value: s.settings[key],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => s.setSettings({ [key]: Number(e.target.value) }),
  });
  return (
    <Section
      id="train"
      step={3}
      title="Train"
      status={s.status}
      onCancel={s.stop}
      next={s.result ? 'compare with the paper in Results, or change the settings and train again.' : 'choose the features and train the MLP.'}
    >
      <form
        className="controls"
        onSubmit={(event) => {
          event.preventDefault();
          void s.train();
        }}
      >
        <fieldset disabled={working}>
          <legend>MLP</legend>
          <label>
            Features
            <select value={s.features} onChange={(e) => s.setFeatures(e.target.value as FeatureKind)}>
              <option value="clip">CLIP image embeddings (the loaded model)</option>
              <option value="raw-pixels">Raw pixels (the paper’s baseline)</option>
            </select>
          </label>
          <label title="Units per hidden layer, comma-separated; empty for a linear classifier">
            Hidden layers
            <input
              value={s.settings.hidden.join(', ')}
              onChange={(e) =>
                s.setSettings({
                  hidden: e.target.value
                    .split(',')
                    .map((v) => Number(v.trim()))
                    .filter((v) => Number.isInteger(v) && v > 0),
                })
              }
            />
          </label>
          <label title="Share of hidden units dropped at each training step">
            Dropout
            <input type="number" min={0} max={0.9} step="any" {...num('dropout')} />
          </label>
          <label title="Adam's step size; multiplied by the decay every epoch">
            Learning rate
            <input type="number" min={0} step="any" {...num('learningRate')} />
          </label>
          <label title="L2 weight penalty">
            L2
            <input type="number" min={0} step="any" {...num('l2')} />
          </label>
          <label>
            Batch size
            <input type="number" min={1} step={1} {...num('batchSize')} />
          </label>
          <label title="At most this many epochs; training stops early when validation loss stops improving">
            Epochs
            <input type="number" min={1} step={1} {...num('epochs')} />
          </label>
          <label title="Stop after this many epochs without a better validation loss, keeping the best epoch (0: never stop early)">
            Patience
            <input type="number" min={0} step={1} {...num('patience')} />
          </label>
          <label title="The same seed and settings give the same model">
            Seed
            <input type="number" step={1} {...num('seed')} />
          </label>
          <label className="inline" title="Weights classes by inverse frequency, for the rare disgust class">
            <input type="checkbox" checked={s.settings.classWeighting} onChange={(e) => s.setSettings({ classWeighting: e.target.checked })} /> Class weighting
          </label>
          <button type="submit">Train</button>
        </fieldset>
      </form>
      {working && s.history.length + s.batchLoss.length > 0 && (
        <div className="controls-row">
          <button type="button" className="secondary" onClick={() => void s.togglePause()}>
            {s.paused ? 'Resume' : 'Pause'}
          </button>
          <span className="muted">Stop keeps the best epoch so far and evaluates it. Backend: {s.backend ?? '…'}</span>
        </div>
      )}
      {(s.history.length > 0 || s.batchLoss.length > 0) && <Curves history={s.history} batchLoss={s.batchLoss} />}
      {s.result && shownRun && <Evaluation result={s.result} datasetId={shownRun.datasetId} occlusion={mlpRunSource(shownRun)} />}
      {s.result && shownRun && <OcclusionStudyPanel run={shownRun} source={mlpRunSource(shownRun)} />}
      {s.runsLoaded && s.runs.length === 0 && !working && <p className="muted">No saved runs yet.</p>}
      {s.runs.length > 0 && (
        <table className="runs">
          <caption>Saved runs (kept in this browser)</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Dataset</th>
              <th scope="col">Features</th>
              <th scope="col">Hidden</th>
              <th scope="col">Epochs</th>
              <th scope="col">Train</th>
              <th scope="col">Test</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {[...s.runs].reverse().map((run) => (
              <tr key={run.id} aria-current={run.id === s.shownRunId ? 'true' : undefined}>
                <td>{new Date(run.createdAt).toLocaleString()}</td>
                <td>{run.datasetName}</td>
                <td>{run.result.features}</td>
                <td>{run.result.settings.hidden.join('-') || 'linear'}</td>
                <td>{run.result.history.length}</td>
                <td>{(100 * run.result.trainAccuracy).toFixed(2)}%</td>
                <td>{(100 * run.result.test.accuracy).toFixed(2)}%</td>
                <td className="actions">
                  <button type="button" className="secondary" disabled={working} onClick={() => s.showRun(run.id)}>
                    Show
                  </button>
                  <button type="button" className="secondary" onClick={() => void s.downloadRun(run.id)}>
                    Download
                  </button>
                  <button type="button" className="secondary" disabled={working} onClick={() => void s.removeRun(run.id)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <CompareRuns />
      <SweepPanel />
      <ForestPanel />
    </Section>
  );
}
