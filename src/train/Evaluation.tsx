import { EMOTIONS } from '../lib/emotions';
import type { TrainResult } from './trainRun';

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(2)}%` : '—');

/** Accuracy figures, the confusion matrix as a heatmap table (rows: true, columns: predicted) and per-class scores. */
export function Evaluation({ result }: { result: TrainResult }) {
  const k = EMOTIONS.length;
  const { confusion, perClass } = result.test;
  return (
    <div className="evaluation">
      <p role="status" data-testid="train-accuracy">
        Train {pct(result.trainAccuracy)} · test {pct(result.test.accuracy)} ({result.test.count.toLocaleString('en-US')} images) · PublicTest{' '}
        {pct(result.publicTest.accuracy)} · PrivateTest {pct(result.privateTest.accuracy)} · test without images also in train {pct(result.clean.accuracy)}
      </p>
      <table className="confusion">
        <caption>Confusion matrix on the test split (rows: true emotion, columns: predicted)</caption>
        <thead>
          <tr>
            <th scope="col">true \ predicted</th>
            {EMOTIONS.map((e) => (
              <th scope="col" key={e}>
                {e}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {EMOTIONS.map((truth, t) => {
            const rowTotal = perClass[t].support || 1;
            return (
              <tr key={truth}>
                <th scope="row">{truth}</th>
                {EMOTIONS.map((_, p) => {
                  const n = confusion[t * k + p];
                  return (
                    <td key={p} style={{ background: `color-mix(in srgb, var(--accent) ${Math.round((100 * n) / rowTotal)}%, transparent)` }}>
                      {n}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      <table className="per-class">
        <caption>Per-class scores on the test split</caption>
        <thead>
          <tr>
            <th scope="col">Emotion</th>
            <th scope="col">Precision</th>
            <th scope="col">Recall</th>
            <th scope="col">F1</th>
            <th scope="col">Images</th>
          </tr>
        </thead>
        <tbody>
          {EMOTIONS.map((e, c) => (
            <tr key={e}>
              <th scope="row">{e}</th>
              <td>{pct(perClass[c].precision)}</td>
              <td>{pct(perClass[c].recall)}</td>
              <td>{pct(perClass[c].f1)}</td>
              <td>{perClass[c].support}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
