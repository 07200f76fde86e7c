import { EMOTIONS } from '../lib/emotions';
import type { FaceSetManifest } from './faceSet';

const fmt = (n: number) => n.toLocaleString('en-US');

/** Counts per emotion and split as bars (with the numbers, so the table is the text equivalent), and the notices. */
export function DatasetSummary({ manifest: m }: { manifest: FaceSetManifest }) {
  const max = Math.max(...m.counts.train, ...m.counts.test, 1);
  const trainTotal = m.counts.train.reduce((a, b) => a + b, 0);
  const testTotal = m.counts.test.reduce((a, b) => a + b, 0);
  return (
    <div className="summary">
      <table className="counts">
        <caption>
          Faces per emotion and split · {fmt(m.count)} in all · test: PublicTest {fmt(m.subsetCounts.PublicTest)}, PrivateTest{' '}
          {fmt(m.subsetCounts.PrivateTest)}
        </caption>
        <thead>
          <tr>
            <th scope="col">Emotion</th>
            <th scope="col">Train ({fmt(trainTotal)})</th>
            <th scope="col">Test ({fmt(testTotal)})</th>
          </tr>
        </thead>
        <tbody>
          {EMOTIONS.map((emotion, label) => (
            <tr key={emotion}>
              <th scope="row">{emotion}</th>
              {(['train', 'test'] as const).map((split) => (
                <td key={split}>
                  <span className={`bar bar-${split}`} style={{ width: `${(100 * m.counts[split][label]) / max}%` }} aria-hidden="true" />
                  <span className="bar-value">{fmt(m.counts[split][label])}</span>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="notices">
        <li>
          {fmt(m.testInTrain)} test image{m.testInTrain === 1 ? '' : 's'} also occur{m.testInTrain === 1 ? 's' : ''} in the training split (pixel for pixel):
          later results are reported with and without them.
        </li>
        <li>
          {fmt(m.duplicatesInSplit)} image{m.duplicatesInSplit === 1 ? '' : 's'} repeat another image of the same split (kept, as published, and flagged).
        </li>
        {m.converted > 0 && <li>{fmt(m.converted)} images were converted to 48×48 grayscale (other size or colour).</li>}
        <li>
          Imported from {m.format === 'fer2013-csv' ? 'fer2013.csv' : 'Kaggle image folders'} in {(m.ingestMs / 1000).toFixed(1)} s.
        </li>
      </ul>
      {m.skipped.length > 0 && (
        <details className="skipped">
          <summary role="status">
            {fmt(m.skipped.length)} entr{m.skipped.length === 1 ? 'y was' : 'ies were'} skipped
          </summary>
          <ul>
            {m.skipped.slice(0, 500).map((s, i) => (
              <li key={i}>
                <code>{s.name}</code>: {s.reason}
              </li>
            ))}
            {m.skipped.length > 500 && <li>…and {fmt(m.skipped.length - 500)} more</li>}
          </ul>
        </details>
      )}
    </div>
  );
}
