import { Section } from '../app/Section';
import { useResultsStore } from './store';

const pct = (v?: number) => (v === undefined ? '—' : `${(100 * v).toFixed(2)}%`);

export function ResultsSection() {
  const { rows, status } = useResultsStore();
  return (
    <Section id="results" step={6} title="Results" status={status} next="train the classifiers in the Train section.">
      <table className="results-table">
        <caption>The paper’s test accuracy beside this browser’s (FER2013 test split)</caption>
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col">Paper, test</th>
            <th scope="col">Facet, train</th>
            <th scope="col">Facet, test</th>
            <th scope="col">Settings</th>
            <th scope="col">Time</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-row={r.id}>
              <th scope="row">{r.method}</th>
              <td>{r.paperTest === undefined ? 'not reported' : pct(r.paperTest)}</td>
              <td>{pct(r.train)}</td>
              <td>{pct(r.test)}</td>
              <td>{r.settings ?? 'not run yet'}</td>
              <td>{r.seconds === undefined ? '—' : `${r.seconds.toFixed(1)} s`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
