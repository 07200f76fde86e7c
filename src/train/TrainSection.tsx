import { OtherDatasetsNote, useActiveDatasetRuns } from './runScope';
import { SavedRunsTable } from './SavedRunsTable';
import { pct } from '../lib/format';
import { useEffect, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Section } from '../app/Section';
import { CompareRuns } from './CompareRuns';
import { Curves } from './Curves';
import { DataEfficiencyPanel } from './DataEfficiencyPanel';
import { Evaluation } from './Evaluation';
import { ForestPanel } from './ForestPanel';
import { isWorking } from './JobStatus';
import { mlpRunSource } from './occlusionSources';
import { OcclusionStudyPanel } from './OcclusionStudyPanel';
import { ProbePanel } from './ProbePanel';
import { useTrainStore } from './store';
import type { FeatureKind } from './trainingInput';
import { SweepPanel } from './SweepPanel';
import { EmbeddingsOption } from './EmbeddingsOption';
import { embeddingsName } from './featureNames';

const WHILE_TRAINING = 'Disabled while the MLP trains: cancel it first.';

/**
 * The Train section. Each part subscribes to the slice of the store it shows (selectors), so a progress tick
 * re-renders the status line and the live curves, not the forms and tables.
 */
export function TrainSection() {
  const init = useTrainStore((s) => s.init);
  useEffect(() => {
    void init();
  }, [init]);
  return (
    <TrainFrame>
      <MlpForm />
      <CheckpointOffer />
      <PauseRow />
      <LiveCurves />
      <ShownEvaluation />
      <RunsTable />
      <CompareRuns />
      <SweepPanel />
      <ForestPanel />
      <ProbePanel />
      <DataEfficiencyPanel />
    </TrainFrame>
  );
}

/** The section frame: the only part that follows the MLP's status; its children are elements made once. */
function TrainFrame({ children }: { children: ReactNode }) {
  const status = useTrainStore((s) => s.status);
  const stop = useTrainStore((s) => s.stop);
  const trained = useTrainStore((s) => Boolean(s.result));
  return (
    <Section id="train" step={3} title="Train" status={status} onCancel={stop} next={trained ? 'compare with the paper in Results, or change the settings and train again.' : 'choose the features and train the MLP.'}>
      {children}
    </Section>
  );
}

function MlpForm() {
  const { features, settings, setSettings, setFeatures, train } = useTrainStore(
    useShallow((s) => ({ features: s.features, settings: s.settings, setSettings: s.setSettings, setFeatures: s.setFeatures, train: s.train })),
  );
  const working = useTrainStore(isWorking);
  const num = (key: 'dropout' | 'learningRate' | 'epochs' | 'batchSize' | 'seed' | 'l2' | 'patience') => ({
    value: settings[key],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => setSettings({ [key]: Number(e.target.value) }),
  });
  return (
    <form
      className="controls"
      onSubmit={(event) => {
        event.preventDefault();
        void train();
      }}
    >
      <fieldset disabled={working} title={working ? WHILE_TRAINING : undefined}>
        <legend>MLP</legend>
        <label>
          Features
          <select value={features} onChange={(e) => setFeatures(e.target.value as FeatureKind)}>
            <EmbeddingsOption />
            <option value="raw-pixels">Raw pixels (the paper’s baseline)</option>
          </select>
        </label>
        <label title="Units per hidden layer, comma-separated; empty for a linear classifier">
          Hidden layers
          <input
            value={settings.hidden.join(', ')}
            onChange={(e) =>
              setSettings({
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
          <input type="checkbox" checked={settings.classWeighting} onChange={(e) => setSettings({ classWeighting: e.target.checked })} /> Class weighting
        </label>
        <button type="submit">Train</button>
      </fieldset>
    </form>
  );
}

function PauseRow() {
  const working = useTrainStore(isWorking);
  const started = useTrainStore((s) => s.history.length + s.batchLoss.length > 0);
  const paused = useTrainStore((s) => s.paused);
  const backend = useTrainStore((s) => s.backend);
  const togglePause = useTrainStore((s) => s.togglePause);
  const checkpointNote = useTrainStore((s) => s.checkpointNote);
  if (!working || !started) return null;
  return (
    <div className="controls-row">
      <button type="button" className="secondary" onClick={() => void togglePause()}>
        {paused ? 'Resume' : 'Pause'}
      </button>
      <span className="muted">Cancel stops training, keeps the best epoch so far and evaluates it. Backend: {backend ?? '…'}</span>
      {checkpointNote && (
        <span className="muted" data-testid="checkpoint-note">
          {checkpointNote}
        </span>
      )}
    </div>
  );
}

/** A stored checkpoint of a run that did not finish: go on from it, or let it go. */
function CheckpointOffer() {
  const checkpoint = useTrainStore((s) => s.checkpoint);
  const working = useTrainStore(isWorking);
  const { continueRun, discardCheckpoint } = useTrainStore(useShallow((s) => ({ continueRun: s.continueRun, discardCheckpoint: s.discardCheckpoint })));
  if (!checkpoint || working) return null;
  return (
    <div className="controls-row" data-testid="checkpoint-offer">
      <span>
        An MLP run on {checkpoint.features.kind === 'clip' ? embeddingsName(checkpoint.features.rep) : 'raw pixels'} of {checkpoint.datasetName} (seed {checkpoint.settings.seed}) stopped after epoch{' '}
        {checkpoint.epoch} of {checkpoint.settings.epochs}; its checkpoint is stored. Training a new run discards it.
      </span>
      <button type="button" onClick={() => void continueRun()}>
        Continue from epoch {checkpoint.epoch}
      </button>
      <button type="button" className="secondary" onClick={() => void discardCheckpoint()}>
        Discard checkpoint
      </button>
    </div>
  );
}

function LiveCurves() {
  const history = useTrainStore((s) => s.history);
  const batchLoss = useTrainStore((s) => s.batchLoss);
  return history.length > 0 || batchLoss.length > 0 ? <Curves history={history} batchLoss={batchLoss} /> : null;
}

function ShownEvaluation() {
  const result = useTrainStore((s) => s.result);
  const shownRun = useTrainStore((s) => s.runs.find((r) => r.id === s.shownRunId));
  if (!result || !shownRun) return null;
  return (
    <>
      <Evaluation result={result} datasetId={shownRun.datasetId} occlusion={mlpRunSource(shownRun)} />
      <OcclusionStudyPanel run={shownRun} source={mlpRunSource(shownRun)} />
    </>
  );
}

function RunsTable() {
  const { shown: runs, otherDatasets } = useActiveDatasetRuns(useTrainStore((s) => s.runs));
  const shownRunId = useTrainStore((s) => s.shownRunId);
  const working = useTrainStore(isWorking);
  const runsLoaded = useTrainStore((s) => s.runsLoaded);
  const { showRun, downloadRun, removeRun } = useTrainStore(useShallow((s) => ({ showRun: s.showRun, downloadRun: s.downloadRun, removeRun: s.removeRun })));
  if (runs.length === 0)
    return runsLoaded && !working ? (
      <>
        <p className="muted">No saved runs of this dataset yet.</p>
        <OtherDatasetsNote count={otherDatasets} />
      </>
    ) : null;
  return (
    <>
      <SavedRunsTable
        className="runs"
        caption="Saved runs (kept in this browser)"
        runs={runs}
        shownRunId={shownRunId}
        columns={[
          { header: 'Hidden', cell: (run) => run.result.settings.hidden.join('-') || 'linear' },
          { header: 'Epochs', cell: (run) => run.result.history.length },
          { header: 'Train', cell: (run) => pct(run.result.trainAccuracy) },
        ]}
        actions={{
          busy: working ? WHILE_TRAINING : undefined,
          onShow: showRun,
          onDelete: (id) => void removeRun(id),
          extra: (run) => (
            <button type="button" className="secondary" onClick={() => void downloadRun(run.id)}>
              Download
            </button>
          ),
        }}
      />
      <OtherDatasetsNote count={otherDatasets} />
    </>
  );
}
