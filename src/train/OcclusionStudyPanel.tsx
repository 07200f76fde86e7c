import { useEffect, useState } from 'react';
import { StatusLine } from '../app/Section';
import { OCCLUSION_KEY, OcclusionHeatmap } from './OcclusionHeatmap';
import { OcclusionSettingsFields } from './OcclusionView';
import { largestDrop, occlusionGrid } from './occlusion';
import { emotionName, scaleMax } from './occlusionDraw';
import type { OcclusionSource } from './occlusionSources';
import { useOcclusionStore } from './occlusionStudy';
import type { RunIdentity } from './runs';
import type { TrainResult } from './types';

/**
 * The per-emotion occlusion study of the shown run: for each emotion, the mean map over a seeded sample of its test
 * faces, following that emotion's probability. All maps share one colour scale so emotions compare.
 */
export function OcclusionStudyPanel({ run, source }: { run: RunIdentity & { result: Pick<TrainResult, 'testPredictions'> }; source: OcclusionSource }) {
  const s = useOcclusionStore();
  useEffect(() => void s.restore(), []); // eslint-disable-line react-hooks/exhaustive-deps
  const record = s.records.find((r) => r.value.runId === run.id);
  const study = record?.value;
  const max = study ? scaleMax(study.emotions.flatMap((e) => Array.from(e.drops))) : 1;
  const working = s.status.kind === 'working';
  // Open by itself when there is a study to show; folded, its controls are not rendered (nor in the Tab order).
  const [chosen, setChosen] = useState<boolean>();
  const open = chosen ?? (Boolean(study) || working);
  return (
    <details className="occlusion-study" open={open} onToggle={(e) => setChosen(e.currentTarget.open)}>
      <summary>Occlusion maps per emotion: which regions this run relies on</summary>
      {open && (
        <>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void s.runStudy({ source, datasetId: run.datasetId, testPredictions: run.result.testPredictions });
        }}
      >
        <OcclusionSettingsFields idPrefix="occlusion-study" />
        <fieldset className="occlusion-settings">
          <legend>Faces</legend>
          <label htmlFor="occlusion-per-emotion">
            Test faces per emotion (at most)
            <input id="occlusion-per-emotion" type="number" min={1} step={1} value={s.study.perEmotion} onChange={(e) => s.setStudy({ perEmotion: Math.max(1, Math.round(Number(e.target.value))) })} />
          </label>
          <label htmlFor="occlusion-seed">
            Seed of the face sample
            <input id="occlusion-seed" type="number" step={1} value={s.study.seed} onChange={(e) => s.setStudy({ seed: Math.round(Number(e.target.value)) })} />
          </label>
          <button type="submit" disabled={working}>
            Compute per-emotion maps
          </button>
        </fieldset>
      </form>
      <StatusLine status={s.status} label="Per-emotion occlusion maps progress" onCancel={s.cancel} />
      {study && (
        <div data-testid="occlusion-study">
          <p className="muted">
            Stored {record.createdAt.slice(0, 16).replace('T', ' ')}: {study.runLabel}; {study.settings.patch}-px patches, stride {study.settings.stride}, fill{' '}
            {study.settings.fill === 'mean' ? 'the face’s mean grey' : 'grey 128'}; up to {study.study.perEmotion} test faces per emotion, seed {study.study.seed}. Each map follows its own
            emotion’s probability and is drawn over the mean of its faces, all on one colour scale. {OCCLUSION_KEY}
          </p>
          <table>
            <caption>Per emotion: faces averaged, the emotion’s mean probability on the intact faces, and the patch whose hiding lowers it most</caption>
            <thead>
              <tr>
                <th scope="col">Emotion</th>
                <th scope="col">Faces</th>
                <th scope="col">Mean probability</th>
                <th scope="col">Largest fall at (x, y)</th>
              </tr>
            </thead>
            <tbody>
              {study.emotions.map((e) => {
                const top = largestDrop(e.drops, occlusionGrid(study.settings, study.side));
                return (
                  <tr key={e.emotion}>
                    <th scope="row">{emotionName(e.emotion)}</th>
                    <td>{e.indices.length}</td>
                    <td>{(100 * e.meanBase).toFixed(1)}%</td>
                    <td>
                      ({study.starts[top.column]}, {study.starts[top.row]}): {(100 * top.drop).toFixed(1)} pts
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="occlusion-emotions">
            {study.emotions.map((e) => (
              <OcclusionHeatmap
                key={e.emotion}
                heatmap={e.heatmap}
                side={study.side}
                max={max}
                face={e.meanFace}
                drops={e.drops}
                cells={study.cells}
                starts={study.starts}
                label={`${emotionName(e.emotion)}: mean over ${e.indices.length} faces`}
                size={128}
                compact
              />
            ))}
          </div>
        </div>
      )}
        </>
      )}
    </details>
  );
}
