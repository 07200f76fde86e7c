import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { isWorking, JobStatus } from './JobStatus';
import { StoredRecordsTable } from './StoredRecordsTable';
import { sortSweepRows, type SweepSortKey } from './sweep';
import { useTrainStore } from './store';
import { sweepSummary, useSweepStore } from './sweepStore';
import { pct } from '../lib/format';

const WHILE_SWEEPING = 'Disabled while a sweep runs: cancel it first.';

const COLUMNS: { key: SweepSortKey; label: string }[] = [
  { key: 'valAccuracy', label: 'Validation' },
  { key: 'testAccuracy', label: 'Test' },
  { key: 'epochs', label: 'Epochs' },
  { key: 'seconds', label: 'Time' },
];

/**
 * A small grid of MLP settings trained one after another in the worker; a sortable table of what each reached.
 * Every sweep's table is stored: the last one shows again after a reload, earlier ones are listed below it.
 */
export function SweepPanel() {
  const init = useSweepStore((s) => s.init);
  useEffect(() => {
    void init();
  }, [init]);
  return (
    <div className="sweep" role="group" aria-labelledby="sweep-title">
      <h3 id="sweep-title">Hyperparameter sweep</h3>
      <SweepForm />
      <JobStatus useStore={useSweepStore} label="Sweep progress" />
      <SweepTable />
      <StoredSweeps />
    </div>
  );
}

function SweepForm() {
  const s = useSweepStore(useShallow((s) => ({ hidden: s.hidden, learningRates: s.learningRates, dropouts: s.dropouts, setGrid: s.setGrid, run: s.run })));
  const working = useSweepStore(isWorking);
  return (
    <form
      className="controls"
      onSubmit={(event) => {
        event.preventDefault();
        void s.run();
      }}
    >
      <fieldset disabled={working} title={working ? WHILE_SWEEPING : undefined}>
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
  );
}

function SweepTable() {
  const { rows: unsorted, trainedOn, sortKey, descending, sortBy } = useSweepStore(
    useShallow((s) => ({ rows: s.rows, trainedOn: s.trainedOn, sortKey: s.sortKey, descending: s.descending, sortBy: s.sortBy })),
  );
  const working = useSweepStore(isWorking);
  if (unsorted.length === 0) return null;
  const rows = sortSweepRows(unsorted, sortKey, descending);
  const sortState = (key: SweepSortKey) => (sortKey === key ? (descending ? 'descending' : 'ascending') : 'none');
  return (
    <table className="sweep-results">
      <caption>Sweep on {trainedOn}: click a column heading to sort</caption>
      <thead>
        <tr>
          <th scope="col">Hidden</th>
          <th scope="col">Learning rate</th>
          <th scope="col">Dropout</th>
          {COLUMNS.map((c) => (
            <th scope="col" key={c.key} aria-sort={sortState(c.key)}>
              <button type="button" className="secondary" onClick={() => sortBy(c.key)}>
                {c.label}
                {sortKey === c.key ? (descending ? ' ↓' : ' ↑') : ''}
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
                title={working ? WHILE_SWEEPING : undefined}
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
  );
}

function StoredSweeps() {
  const records = useSweepStore((s) => s.sweeps);
  const shownId = useSweepStore((s) => s.shownId);
  const working = useSweepStore(isWorking);
  const { show, remove } = useSweepStore(useShallow((s) => ({ show: s.show, remove: s.remove })));
  return (
    <StoredRecordsTable
      className="sweeps"
      caption="Stored sweeps (kept in this browser)"
      noun="sweep"
      records={records}
      shownId={shownId}
      working={working}
      whileWorking={WHILE_SWEEPING}
      summary={sweepSummary}
      show={show}
      remove={remove}
    />
  );
}
