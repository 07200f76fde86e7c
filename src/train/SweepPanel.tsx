import { StatusLine } from '../app/Section';
import { sortSweepRows, type SweepSortKey } from './sweep';
import { useTrainStore } from './store';
import { useSweepStore } from './sweepStore';

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(2)}%` : '—');

const COLUMNS: { key: SweepSortKey; label: string }[] = [
  { key: 'valAccuracy', label: 'Validation' },
  { key: 'testAccuracy', label: 'Test' },
  { key: 'epochs', label: 'Epochs' },
  { key: 'seconds', label: 'Time' },
];

/** A small grid of MLP settings trained one after another in the worker; a sortable table of what each reached. */
export function SweepPanel() {
  const s = useSweepStore();
  const working = s.status.kind === 'working';
  const rows = sortSweepRows(s.rows, s.sortKey, s.descending);
  const sortState = (key: SweepSortKey) => (s.sortKey === key ? (s.descending ? 'descending' : 'ascending') : 'none');
  return (
    <div className="sweep" role="group" aria-labelledby="sweep-title">
      <h3 id="sweep-title">Hyperparameter sweep</h3>
      <form
        className="controls"
        onSubmit={(event) => {
          event.preventDefault();
          void s.run();
        }}
      >
        <fieldset disabled={working}>
          <legend>Grid (the other MLP settings as set above)</legend>
          <label title="Configurations separated by ';', layers within one by '-', 'linear' for none">
            Sweep hidden sizes
            <input value={s.hidden} onChange={(e) => s.setGrid({ hidden: e.target.value })} />
          </label>
          <label title="Comma-separated">
            Sweep learning rates
            <input value={s.learningRates} onChange={(e) => s.setGrid({ learningRates: e.target.value })} />
          </label>
          <label title="Comma-separated, from 0 to below 1">
            Sweep dropouts
            <input value={s.dropouts} onChange={(e) => s.setGrid({ dropouts: e.target.value })} />
          </label>
          <button type="submit">Run sweep</button>
        </fieldset>
      </form>
      <StatusLine status={s.status} label="Sweep progress" onCancel={s.stop} />
      {s.rows.length > 0 && (
        <table className="sweep-results">
          <caption>Sweep on {s.trainedOn}: click a column heading to sort</caption>
          <thead>
            <tr>
              <th scope="col">Hidden</th>
              <th scope="col">Learning rate</th>
              <th scope="col">Dropout</th>
              {COLUMNS.map((c) => (
                <th scope="col" key={c.key} aria-sort={sortState(c.key)}>
                  <button type="button" className="secondary" onClick={() => s.sortBy(c.key)}>
                    {c.label}
                    {s.sortKey === c.key ? (s.descending ? ' ↓' : ' ↑') : ''}
                  </button>
                </th>
              ))}
              <th scope="col">MLP</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.index}>
                <td>{r.hidden.join('-') || 'linear'}</td>
                <td>{r.learningRate}</td>
                <td>{r.dropout}</td>
                <td>{pct(r.valAccuracy)}</td>
                <td>{pct(r.testAccuracy)}</td>
                <td>
                  {r.epochs} (best {r.bestEpoch})
                </td>
                <td>{r.seconds.toFixed(1)} s</td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    disabled={working}
                    aria-label={`Use hidden ${r.hidden.join('-') || 'linear'}, learning rate ${r.learningRate}, dropout ${r.dropout} for the MLP`}
                    onClick={() => useTrainStore.getState().setSettings({ hidden: r.hidden, learningRate: r.learningRate, dropout: r.dropout })}
                  >
                    Use
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
