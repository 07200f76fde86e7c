import { useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useEmbedStore } from '../embed/store';
import { aggregatePoints, labelsWorth, studySummary } from './dataEfficiency';
import { downloadStudyCsv, downloadStudySvg, overlaidStudies, parseC, studyChartSvg, studyName, useDataEfficiencyStore } from './dataEfficiencyStore';
import { isWorking, JobStatus } from './JobStatus';
import { StoredRecordsTable } from './StoredRecordsTable';
import type { FeatureKind } from './trainingInput';
import { pct } from '../lib/format';
import { EmbeddingsOption } from './EmbeddingsOption';

const WHILE_RUNNING = 'Disabled while a data-efficiency curve runs: cancel it first.';

/**
 * Data efficiency (issue 21): test accuracy against k labelled faces per emotion, several seeded draws per k, with
 * CLIP's zero-shot accuracy as a line: how many labels zero-shot is worth. Every finished point is stored, so the
 * curve survives a reload and a re-run finishes it.
 */
export function DataEfficiencyPanel() {
  const init = useDataEfficiencyStore((s) => s.init);
  useEffect(() => {
    void init();
  }, [init]);
  return (
    <div className="data-efficiency" role="group" aria-labelledby="data-efficiency-title">
      <h3 id="data-efficiency-title">Data efficiency</h3>
      <p className="muted">
        The classifier trained on k labelled faces per emotion (stratified, seeded, nested draws: the faces of k are among those of 2k), each draw scored on
        the whole test split. The linear probe uses one C for every point, chosen by the paper’s search on the whole training split (a validation split of
        one face per emotion cannot choose it).
      </p>
      <DataEfficiencyForm />
      <JobStatus useStore={useDataEfficiencyStore} label="Data-efficiency progress" />
      <ShownCurve />
      <StoredStudies />
    </div>
  );
}

function DataEfficiencyForm() {
  const s = useDataEfficiencyStore(
    useShallow((s) => ({ features: s.features, settings: s.settings, ksText: s.ksText, cText: s.cText, setFeatures: s.setFeatures, setSettings: s.setSettings, setText: s.setText, run: s.run })),
  );
  const working = useDataEfficiencyStore(isWorking);
  const cValid = parseC(s.cText) !== undefined;
  const int = (key: 'draws' | 'drawsAtAll' | 'seed') => ({ value: s.settings[key], onChange: (e: React.ChangeEvent<HTMLInputElement>) => s.setSettings({ [key]: Number(e.target.value) }) });
  return (
    <form
      className="controls"
      onSubmit={(event) => {
        event.preventDefault();
        void s.run();
      }}
    >
      <fieldset disabled={working} title={working ? WHILE_RUNNING : undefined}>
        <legend>Curve</legend>
        <label>
          Curve input
          <select value={s.features} onChange={(e) => s.setFeatures(e.target.value as FeatureKind)}>
            <EmbeddingsOption />
            <option value="raw-pixels">Raw pixels</option>
          </select>
        </label>
        <label>
          Curve classifier
          <select value={s.settings.classifier} onChange={(e) => s.setSettings({ classifier: e.target.value as 'linear-probe' | 'mlp' })}>
            <option value="linear-probe">Linear probe (the CLIP paper’s protocol)</option>
            <option value="mlp">MLP (the settings above; no early stopping)</option>
          </select>
        </label>
        <label title="Whole numbers, comma-separated">
          Faces per emotion (k)
          <input value={s.ksText} onChange={(e) => s.setText({ ksText: e.target.value })} />
        </label>
        <label className="inline">
          <input type="checkbox" checked={s.settings.includeAll} onChange={(e) => s.setSettings({ includeAll: e.target.checked })} /> and all labels
        </label>
        <label title="Seeded draws of faces per k">
          Draws per k
          <input type="number" min={1} step={1} {...int('draws')} />
        </label>
        <label title="At 'all' every draw has the same faces: more draws differ only by the classifier's own seed">
          Draws at all
          <input type="number" min={1} step={1} {...int('drawsAtAll')} />
        </label>
        <label title="The same seed gives the same faces per k and draw, for every representation">
          Curve random state
          <input type="number" step={1} {...int('seed')} />
        </label>
        <label title="'search': the paper's search on the whole training split, once; or one fixed C for every point">
          Probe C
          <input
            value={s.cText}
            aria-invalid={!cValid}
            disabled={s.settings.classifier !== 'linear-probe'}
            onChange={(e) => s.setText({ cText: e.target.value })}
          />
        </label>
        <button type="submit" disabled={!cValid}>
          Run curve
        </button>
      </fieldset>
    </form>
  );
}

function ShownCurve() {
  const studies = useDataEfficiencyStore((s) => s.studies);
  const shownId = useDataEfficiencyStore((s) => s.shownId);
  // The chart follows the Embed section's zero-shot result when the study did not record one.
  const zeroShot = useEmbedStore((s) => s.zeroShot?.evaluation.accuracy);
  const shown = studies.find((r) => r.id === shownId);
  const svg = useMemo(() => (shown && shown.value.points.length ? studyChartSvg(studies, shown) : undefined), [studies, shown, zeroShot]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!shown || !svg) return null;
  const overlaid = overlaidStudies(studies, shown);
  return (
    <div data-testid="data-efficiency-curve" data-points={shown.value.points.length}>
      {/* Facet's own SVG: every text in it is escaped (dataEfficiencyChart.ts); the same string is downloaded and put in the report. */}
      <figure className="chart" dangerouslySetInnerHTML={{ __html: svg }} />
      <p className="muted">Mean over the draws; the band runs from the lowest to the highest draw. {overlaid.length > 1 ? `${overlaid.length} curves with the same draws overlaid.` : ''}</p>
      {overlaid.map((r) => {
        const stats = aggregatePoints(r.value.points, r.value.allPerEmotion);
        const zs = r.value.zeroShot ?? zeroShot;
        const worth = zs === undefined ? undefined : labelsWorth(stats, zs);
        return (
          <table key={r.id} className="data-efficiency-table">
            <caption>
              {studyName(r.value)}
              {zs !== undefined && worth !== undefined && worth > 0 ? ` · zero-shot ≈ ${worth.toFixed(1)} labels per emotion` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Faces per emotion</th>
                <th scope="col">Draws</th>
                <th scope="col">Mean test accuracy</th>
                <th scope="col">Min–max</th>
                <th scope="col">sd</th>
                <th scope="col">Without train duplicates</th>
              </tr>
            </thead>
            <tbody>
              {stats.map((p) => (
                <tr key={String(p.shots)} data-k={p.shots}>
                  <th scope="row">{p.shots === 'all' ? `all (${Math.round(p.meanTrainCount).toLocaleString('en-US')} faces)` : p.shots}</th>
                  <td>{p.n}</td>
                  <td>{pct(p.mean)}</td>
                  <td>
                    {pct(p.min)} – {pct(p.max)}
                  </td>
                  <td>{(100 * p.sd).toFixed(2)} pt</td>
                  <td>{pct(p.cleanMean)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        );
      })}
      <div className="controls-row">
        <button type="button" className="secondary" onClick={() => downloadStudyCsv(shown)}>
          Download curve (CSV)
        </button>
        <button type="button" className="secondary" onClick={() => downloadStudySvg(studies, shown)}>
          Download chart (SVG)
        </button>
      </div>
    </div>
  );
}

function StoredStudies() {
  const records = useDataEfficiencyStore((s) => s.studies);
  const shownId = useDataEfficiencyStore((s) => s.shownId);
  const working = useDataEfficiencyStore(isWorking);
  const { show, remove } = useDataEfficiencyStore(useShallow((s) => ({ show: s.show, remove: s.remove })));
  return (
    <StoredRecordsTable
      className="data-efficiency-studies"
      caption="Stored data-efficiency curves (kept in this browser)"
      noun="curve"
      records={records}
      shownId={shownId}
      working={working}
      whileWorking={WHILE_RUNNING}
      summary={studySummary}
      show={show}
      remove={remove}
    />
  );
}
