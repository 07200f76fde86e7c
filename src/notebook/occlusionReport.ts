/**
 * The per-emotion occlusion studies in the report (one figure per stored study: a heatmap per emotion on one
 * colour scale, the numbers in a table) and in the session record (settings and seed, so a repeat redoes them).
 */
import { listResults, type ResultRecord } from '../lib/resultRecords';
import { largestDrop, occlusionGrid, type OcclusionSettings } from '../train/occlusion';
import { emotionName, heatmapSvg, legendSvg, scaleMax } from '../train/occlusionDraw';
import { OCCLUSION_KIND, useOcclusionStore, type OcclusionStudy, type StudySettings } from '../train/occlusionStudy';
import { escapeHtml, type ReportFigure } from './reportHtml';

export const OCCLUSION_SECTION = 'Occlusion maps: what part of the face a prediction rests on';

export function occlusionFigure(record: ResultRecord<OcclusionStudy>): ReportFigure {
  const study = record.value;
  const max = scaleMax(study.emotions.flatMap((e) => Array.from(e.drops)));
  const grid = occlusionGrid(study.settings, study.side);
  const maps = study.emotions.map((e) => heatmapSvg(e.heatmap, study.side, max, `${emotionName(e.emotion)} (${e.indices.length})`, e.meanFace)).join('');
  const rows = study.emotions
    .map((e) => {
      const top = largestDrop(e.drops, grid);
      return `<tr><th scope="row">${escapeHtml(emotionName(e.emotion))}</th><td>${e.indices.length}</td><td>${(100 * e.meanBase).toFixed(1)}%</td><td>(${study.starts[top.column]}, ${study.starts[top.row]}): ${(100 * top.drop).toFixed(1)} pts</td></tr>`;
    })
    .join('');
  const table = `<table><caption>Per emotion: faces averaged, mean probability of the emotion on the intact faces, and the patch (x, y of its corner) whose hiding lowers it most</caption><thead><tr><th></th><th scope="col">faces</th><th scope="col">mean probability</th><th scope="col">largest fall</th></tr></thead><tbody>${rows}</tbody></table>`;
  return {
    section: OCCLUSION_SECTION,
    title: `${record.title}; fill ${study.settings.fill === 'mean' ? 'the face’s mean grey' : 'grey 128'}. Each map follows its own emotion’s probability over the mean of its faces; red: hiding the region lowers it.`,
    svg: `<div class="figures">${maps}</div>${legendSvg(max, record.id)}`,
    html: table,
  };
}

export async function occlusionFigures(): Promise<ReportFigure[]> {
  return (await listResults<OcclusionStudy>(OCCLUSION_KIND)).map(occlusionFigure);
}

/** What the session record keeps of the occlusion maps. */
export interface OcclusionSessionPart {
  settings: OcclusionSettings;
  study: StudySettings;
  studies: { runId: string; runLabel: string; createdAt: string; settings: OcclusionSettings; study: StudySettings }[];
}

export function occlusionSessionPart(): OcclusionSessionPart {
  const s = useOcclusionStore.getState();
  return {
    settings: s.settings,
    study: s.study,
    studies: s.records.map((r) => ({ runId: r.value.runId, runLabel: r.value.runLabel, createdAt: r.createdAt, settings: r.value.settings, study: r.value.study })),
  };
}

/**
 * Puts a record's occlusion settings back: those of the study of `runId` (the record's selected run) if there is
 * one, else of the last study, else the settings in use then. Returns what is left to do.
 */
export function applyOcclusionPart(part: OcclusionSessionPart | undefined, runId: string | undefined): string | undefined {
  if (!part?.settings) return undefined;
  const study = part.studies.find((s) => s.runId === runId) ?? part.studies.at(-1);
  const store = useOcclusionStore.getState();
  store.setSettings(study?.settings ?? part.settings);
  store.setStudy(study?.study ?? part.study);
  if (!study) return undefined;
  return `redo the per-emotion occlusion maps of ${study.runLabel} (Train, “Occlusion maps per emotion”: ${study.study.perEmotion} faces per emotion, seed ${study.study.seed}, ${study.settings.patch}-px patches, stride ${study.settings.stride}; settings put back)`;
}

// The stored studies are read at start, so a session record downloaded before the Train panel opens lists them.
if (typeof indexedDB !== 'undefined') void useOcclusionStore.getState().restore();
