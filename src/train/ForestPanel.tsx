import { OtherDatasetsNote, useActiveDatasetRuns } from './runScope';
import { SavedRunsTable } from './SavedRunsTable';
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatSeconds } from '../lib/progress';
import { Evaluation } from './Evaluation';
import { forestRunSource } from './occlusionSources';
import type { ForestSettings } from './forest';
import { describeForest, useForestStore } from './forestStore';
import { isWorking, JobStatus } from './JobStatus';
import type { FeatureKind } from './trainingInput';
import { pct } from '../lib/format';
import { EmbeddingsOption } from './EmbeddingsOption';

const WHILE_GROWING = 'Disabled while a forest grows: cancel it first.';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? NaN;

/** The paper's other classifier: a random forest on CLIP embeddings or raw pixels, grown in the train worker. */
export function ForestPanel() {
  const init = useForestStore((s) => s.init);
  useEffect(() => {
    void init();
  }, [init]);
  return (
    <div className="forest" role="group" aria-labelledby="forest-title">
      <h3 id="forest-title">Random forest</h3>
      <ForestForm />
      <JobStatus useStore={useForestStore} label="Forest progress" />
      <ShownForest />
      <ForestRuns />
    </div>
  );
}

function ForestForm() {
  const s = useForestStore(useShallow((s) => ({ features: s.features, settings: s.settings, setFeatures: s.setFeatures, setSettings: s.setSettings, train: s.train })));
  const working = useForestStore(isWorking);
  const num = (key: 'trees' | 'maxDepth' | 'minLeaf' | 'bins' | 'seed') => ({
    value: s.settings[key],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => s.setSettings({ [key]: Number(e.target.value) }),
  });
  return (
      <form
        className="controls"
        onSubmit={(event) => {
          event.preventDefault();
          void s.train();
        }}
      >
        <fieldset disabled={working} title={working ? WHILE_GROWING : undefined}>
          <legend>Forest</legend>
          <label>
            Forest input
            <select value={s.features} onChange={(e) => s.setFeatures(e.target.value as FeatureKind)}>
              <option value="raw-pixels">Raw pixels (the paper’s baseline)</option>
              <EmbeddingsOption />
            </select>
          </label>
          <label title="The paper used 10,000. Each tree takes about the same time (shown while growing) and storage (fully grown on FER2013's raw pixels: ~0.3 MB)">
            Trees
            <input type="number" min={1} step={1} {...num('trees')} />
          </label>
          <label title="0 grows every tree until its leaves are pure or too small (scikit-learn's default)">
            Max depth
            <input type="number" min={0} step={1} {...num('maxDepth')} />
          </label>
          <label title="Fewest training samples a leaf may hold">
            Min samples per leaf
            <input type="number" min={1} step={1} {...num('minLeaf')} />
          </label>
          <label title="Candidate features drawn at each split">
            Candidates per split
            <select value={s.settings.maxFeatures} onChange={(e) => s.setSettings({ maxFeatures: e.target.value as ForestSettings['maxFeatures'] })}>
              <option value="sqrt">√d (scikit-learn’s default)</option>
              <option value="log2">log₂ d</option>
              <option value="all">all d</option>
            </select>
          </label>
          <label title="Quantile bins per feature for the split search (2-256)">
            Bins
            <input type="number" min={2} max={256} step={1} {...num('bins')} />
          </label>
          <label title="The same seed and settings grow the same forest">
            Forest random state
            <input type="number" step={1} {...num('seed')} />
          </label>
          <label className="inline" title="Each tree sees a bootstrap sample; the rows it misses give the out-of-bag estimate">
            <input type="checkbox" checked={s.settings.bootstrap} onChange={(e) => s.setSettings({ bootstrap: e.target.checked })} /> Bootstrap
          </label>
          <button type="submit">Grow forest</button>
        </fieldset>
      </form>
  );
}

function ShownForest() {
  const shown = useForestStore((s) => s.runs.find((r) => r.id === s.shownRunId));
  return (
    <>
      {shown && (
        <>
          <p className="muted">
            {describeForest(shown)} · out-of-bag accuracy {pct(shown.result.oobAccuracy)} · {shown.result.nodeCount.toLocaleString('en-US')} nodes · median{' '}
            {(median(shown.result.msPerTree) / 1000).toFixed(2)} s per tree
          </p>
          {shown.result.testAccuracyBySize?.length > 0 && (
            <table className="forest-sizes">
              <caption>What a smaller forest reaches: test accuracy of the first k trees (the paper used 10,000)</caption>
              <thead>
                <tr>
                  <th scope="col">Trees</th>
                  <th scope="col">Test accuracy</th>
                  <th scope="col">Growing time at {(median(shown.result.msPerTree) / 1000).toFixed(2)} s per tree</th>
                </tr>
              </thead>
              <tbody>
                {[...shown.result.testAccuracyBySize, ...(shown.result.settings.trees < 10_000 ? [{ trees: 10_000, accuracy: NaN }] : [])].map((row) => (
                  <tr key={row.trees}>
                    <td>{row.trees.toLocaleString('en-US')}</td>
                    <td>{Number.isNaN(row.accuracy) ? 'not grown' : pct(row.accuracy)}</td>
                    <td>{formatSeconds((row.trees * median(shown.result.msPerTree)) / 1000)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <Evaluation result={shown.result} datasetId={shown.datasetId} testId="forest-accuracy" occlusion={forestRunSource(shown)} />
        </>
      )}
    </>
  );
}

function ForestRuns() {
  const { shown: runs, otherDatasets } = useActiveDatasetRuns(useForestStore((s) => s.runs));
  const shownRunId = useForestStore((s) => s.shownRunId);
  const working = useForestStore(isWorking);
  const { showRun, removeRun } = useForestStore(useShallow((s) => ({ showRun: s.showRun, removeRun: s.removeRun })));
  return (
    <>
      {runs.length > 0 && (
        <SavedRunsTable
          className="forest-runs"
          caption="Saved forests (kept in this browser)"
          runs={runs}
          shownRunId={shownRunId}
          columns={[
            { header: 'Trees', cell: (run) => run.result.settings.trees },
            { header: 's per tree', cell: (run) => (median(run.result.msPerTree) / 1000).toFixed(2) },
            { header: 'Train', cell: (run) => pct(run.result.trainAccuracy) },
            { header: 'Out-of-bag', cell: (run) => pct(run.result.oobAccuracy) },
          ]}
          actions={{ noun: 'forest', busy: working ? WHILE_GROWING : undefined, onShow: showRun, onDelete: (id) => void removeRun(id) }}
        />
      )}
      <OtherDatasetsNote count={otherDatasets} what="forests" />
    </>
  );
}
