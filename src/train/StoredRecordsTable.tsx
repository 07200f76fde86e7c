import type { ResultRecord } from '../lib/resultRecords';

/**
 * The table of a panel's stored result records (sweeps, data-efficiency curves): newest first, the shown one marked,
 * each with Show and Delete, both disabled while the panel's job runs.
 */
export function StoredRecordsTable<T extends { datasetName: string }>(props: {
  className: string;
  caption: string;
  /** what one record is called in the header and on its buttons ("sweep", "curve") */
  noun: string;
  records: readonly ResultRecord<T>[];
  shownId?: string;
  working: boolean;
  whileWorking: string;
  summary: (value: T) => string;
  show: (id: string) => void;
  remove: (id: string) => Promise<void>;
}) {
  const { records, shownId, working, whileWorking, noun } = props;
  if (records.length === 0) return null;
  const title = working ? whileWorking : undefined;
  return (
    <table className={props.className}>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Dataset</th>
          <th scope="col">{noun.charAt(0).toUpperCase() + noun.slice(1)}</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {[...records].reverse().map((record) => (
          <tr key={record.id} aria-current={record.id === shownId ? 'true' : undefined}>
            <td>{new Date(record.createdAt).toLocaleString()}</td>
            <td>{record.value.datasetName}</td>
            <td>{props.summary(record.value)}</td>
            <td className="actions">
              <button type="button" className="secondary" disabled={working} title={title} onClick={() => props.show(record.id)}>
                Show {noun}
              </button>
              <button type="button" className="secondary" disabled={working} title={title} onClick={() => void props.remove(record.id)}>
                Delete {noun}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
