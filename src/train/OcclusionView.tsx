import { useEffect, useRef, useState } from 'react';
import { StatusLine } from '../app/Section';
import { empty, type SectionStatus } from '../lib/sectionStatus';
import { formatProgress } from '../lib/progress';
import { isCancelled } from '../lib/rpc';
import { OcclusionHeatmap } from './OcclusionHeatmap';
import { occlusionGrid, type OcclusionMap } from './occlusion';
import { emotionName, scaleMax } from './occlusionDraw';
import { occlusionImageCount, occlusionMaps } from './occlusionJob';
import { classifierFor, occlusionProblem, type OcclusionSource } from './occlusionSources';
import { useOcclusionStore } from './occlusionStudy';

/** Patch side, stride and fill of every occlusion map (shared: the face maps and the per-emotion study). */
export function OcclusionSettingsFields({ idPrefix }: { idPrefix: string }) {
  const { settings, setSettings } = useOcclusionStore();
  let problem: string | undefined;
  let cells = 0;
  try {
    cells = occlusionGrid(settings).cells;
  } catch (error) {
    problem = (error as Error).message;
  }
  return (
    <fieldset className="occlusion-settings">
      <legend>Occluding patch</legend>
      <label htmlFor={`${idPrefix}-patch`}>
        Patch side (px)
        <input id={`${idPrefix}-patch`} type="number" min={1} max={48} step={1} value={settings.patch} onChange={(e) => setSettings({ patch: Number(e.target.value) })} />
      </label>
      <label htmlFor={`${idPrefix}-stride`}>
        Stride (px)
        <input id={`${idPrefix}-stride`} type="number" min={1} max={48} step={1} value={settings.stride} onChange={(e) => setSettings({ stride: Number(e.target.value) })} />
      </label>
      <label htmlFor={`${idPrefix}-fill`}>
        Fill
        <select id={`${idPrefix}-fill`} value={settings.fill} onChange={(e) => setSettings({ fill: e.target.value as 'mean' | 'mid' })}>
          <option value="mean">the face’s mean grey</option>
          <option value="mid">grey 128</option>
        </select>
      </label>
      <span className="muted">{problem ?? `${cells}×${cells} positions, ${occlusionImageCount(1, settings)} images per face`}</span>
    </fieldset>
  );
}

/**
 * One face's occlusion map: its occluded copies classified by `source` (the classifier that scored the face), the
 * fall of the predicted class's probability as a heatmap over the face, with progress and cancel.
 */
export function OcclusionView({ pixels, source, unavailable, name }: { pixels: Uint8Array; source?: OcclusionSource; unavailable?: string; name: string }) {
  const settings = useOcclusionStore((s) => s.settings);
  // Status and map belong to the face and classifier they were made for: a new face starts afresh.
  const inputKey = `${source?.id ?? ''}`;
  const [state, setState] = useState<{ pixels: Uint8Array; source: string; status: SectionStatus; map?: OcclusionMap }>();
  const current = state?.pixels === pixels && state.source === inputKey ? state : undefined;
  const status = current?.status ?? empty('');
  const map = current?.map;
  const controller = useRef<AbortController>(undefined);
  useEffect(() => () => controller.current?.abort(), [pixels, inputKey]);

  async function compute() {
    if (!source) return;
    const mineFor = (next: SectionStatus, made?: OcclusionMap) => setState({ pixels, source: inputKey, status: next, map: made });
    const problem = occlusionProblem(source);
    if (problem) return mineFor({ kind: 'error', message: problem });
    controller.current?.abort();
    const mine = new AbortController();
    controller.current = mine;
    mineFor({ kind: 'working', message: 'Occluding…' });
    try {
      const [result] = await occlusionMaps([{ pixels }], settings, classifierFor(source), {
        signal: mine.signal,
        onProgress: (progress) => !mine.signal.aborted && mineFor({ kind: 'working', message: formatProgress(progress), progress }),
      });
      if (mine.signal.aborted) return;
      mineFor({ kind: 'done', message: `Occlusion map of ${name}: ${emotionName(result.target)} at ${(100 * result.base).toFixed(1)}% on the intact face, by ${source.label}.` }, result);
    } catch (error) {
      if (controller.current !== mine) return;
      mineFor(isCancelled(error) ? { kind: 'empty', message: 'Occlusion map cancelled.' } : { kind: 'error', message: (error as Error).message });
    }
  }

  const working = status.kind === 'working';
  return (
    <section className="occlusion-view" aria-label={`Occlusion map of ${name}`}>
      <OcclusionSettingsFields idPrefix={`occlusion-${name.replace(/\W+/g, '-')}`} />
      <button type="button" onClick={() => void compute()} disabled={!source || working}>
        Compute occlusion map
      </button>
      {unavailable && <p className="muted">{unavailable}</p>}
      {status.message && <StatusLine status={status} label={`Occlusion map of ${name} progress`} onCancel={() => controller.current?.abort()} />}
      {map && (
        <OcclusionHeatmap
          heatmap={map.heatmap}
          side={map.grid.side}
          max={scaleMax(map.drops)}
          face={pixels}
          drops={map.drops}
          cells={map.grid.cells}
          starts={map.grid.starts}
          label={`Where the ${emotionName(map.target)} prediction (${(100 * map.base).toFixed(1)}%) rests, ${map.settings.patch}-px patches, stride ${map.settings.stride}`}
          testId="occlusion-map"
        />
      )}
    </section>
  );
}
