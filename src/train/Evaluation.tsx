import { startTransition, useEffect, useState } from 'react';
import { FaceCanvas } from '../app/FaceCanvas';
import { FACE_AREA } from '../dataset/faceSet';
import { ingestWorker } from '../dataset/store';
import { confusionTint, EMOTIONS } from '../lib/emotions';
import { OcclusionView } from './OcclusionView';
import type { OcclusionSource } from './occlusionSources';
import { useTrainStore } from './store';
import type { TrainResult } from './types';
import { pct } from '../lib/format';

const CELL_FACES = 48;


/** Accuracy figures, the confusion matrix as a heatmap table (rows: true, columns: predicted) and per-class scores. */
/** What a scored classifier (MLP or forest) carries for this view. */
export type ScoredResult = Pick<TrainResult, 'trainAccuracy' | 'test' | 'publicTest' | 'privateTest' | 'clean' | 'testPredictions'>;

export function Evaluation({ result, datasetId, testId = 'train-accuracy', occlusion }: { result: ScoredResult; datasetId: string; testId?: string; occlusion?: OcclusionSource }) {
  const k = EMOTIONS.length;
  const { confusion, perClass } = result.test;
  const cell = useTrainStore((s) => s.selectedCell);
  const setCell = useTrainStore((s) => s.selectCell);
  return (
    <div className="evaluation">
      <p role="status" data-testid={testId}>
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
                    // The count sits on a chip of the panel colour (app.css): a strong tint keeps WCAG AA contrast.
                    <td key={p} data-tint={confusionTint(n, rowTotal)} style={{ background: `color-mix(in srgb, var(--accent) ${confusionTint(n, rowTotal)}%, transparent)` }}>
                      <button
                        type="button"
                        className="cell"
                        aria-pressed={cell?.[0] === t && cell?.[1] === p}
                        aria-label={`${n} ${truth} faces predicted ${EMOTIONS[p]}: show them`}
                        onClick={() => setCell([t, p])}
                      >
                        {n}
                      </button>
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      {cell && <CellFaces result={result} datasetId={datasetId} truth={cell[0]} predicted={cell[1]} occlusion={occlusion} />}
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

/** The test faces of one confusion cell, with the probability the model gave its prediction. */
function CellFaces({ result, datasetId, truth, predicted, occlusion }: { result: ScoredResult; datasetId: string; truth: number; predicted: number; occlusion?: OcclusionSource }) {
  const [faces, setFaces] = useState<{ indices: number[]; probability: number[]; pixels: Uint8Array }>();
  // The face opened for its occlusion map: its dataset row index and its pixels (one array, kept while it is open).
  const [opened, setOpened] = useState<{ index: number; pixels: Uint8Array }>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let current = true;
    if (!result.testPredictions) return;
    const { indices, predicted: predictions, probability } = result.testPredictions;
    const picked: number[] = [];
    for (let j = 0; j < indices.length && picked.length < CELL_FACES; j++) {
      if (predictions[j] === predicted && result.testPredictions.truth[j] === truth) picked.push(j);
    }
    ingestWorker()
      .faces({ id: datasetId, indices: picked.map((j) => indices[j]) })
      .then((pixels) => current && startTransition(() => setFaces({ indices: picked.map((j) => indices[j]), probability: picked.map((j) => probability[j]), pixels })))
      .catch((e: Error) => current && setError(e.message));
    return () => {
      current = false;
    };
  }, [result, datasetId, truth, predicted]);
  const total = result.test.confusion[truth * EMOTIONS.length + predicted];
  return (
    <figure className="cell-faces" data-testid="cell-faces">
      <figcaption>
        {EMOTIONS[truth]} faces predicted {EMOTIONS[predicted]}: {total}
        {total > CELL_FACES ? ` (first ${CELL_FACES} shown)` : ''}
      </figcaption>
      {error && <p role="alert">{error}</p>}
      {!result.testPredictions && <p role="alert">This run was saved without per-image predictions: train it again to browse its faces.</p>}
      <ul className="face-grid">
        {faces?.indices.map((index, k) => (
          <li key={index} title={`image #${index}: ${EMOTIONS[truth]}, predicted ${EMOTIONS[predicted]} with p = ${faces.probability[k].toFixed(2)}`}>
            <FaceCanvas pixels={faces.pixels.subarray(k * FACE_AREA, (k + 1) * FACE_AREA)} size={56} label={`true ${EMOTIONS[truth]}, predicted ${EMOTIONS[predicted]} (${(100 * faces.probability[k]).toFixed(0)}%)`} />
            <button type="button" className="secondary face-button" aria-pressed={opened?.index === index} aria-label={`${(100 * faces.probability[k]).toFixed(0)}% map: occlusion map of image #${index}`} onClick={() => setOpened(opened?.index === index ? undefined : { index, pixels: faces.pixels.slice(k * FACE_AREA, (k + 1) * FACE_AREA) })}>
              <span className="probability">{(100 * faces.probability[k]).toFixed(0)}%</span> map
            </button>
          </li>
        ))}
      </ul>
      {opened && faces?.indices.includes(opened.index) && (
        <OcclusionView pixels={opened.pixels} source={occlusion} unavailable={occlusion ? undefined : 'This classifier cannot score occluded faces.'} name={`image #${opened.index}`} />
      )}
    </figure>
  );
}

