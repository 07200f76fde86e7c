import { describe, expect, it } from 'vitest';
import { buildResultsTable } from '../results/resultsTable';
import type { ResultRecord } from '../lib/resultRecords';
import { DEFAULT_OCCLUSION, occlusionGrid } from '../train/occlusion';
import { OCCLUSION_KIND, sampleByClass, useOcclusionStore, type OcclusionStudy } from '../train/occlusionStudy';
import { applyOcclusionPart, OCCLUSION_SECTION, occlusionFigure } from './occlusionReport';
import { renderReport } from './reportHtml';
import { collectSessionRecord } from './sessionRecord';
import { DEFAULT_MLP } from '../train/mlp';

const grid = occlusionGrid(DEFAULT_OCCLUSION);
const study: OcclusionStudy = {
  runId: 'run-1',
  runLabel: 'CLIP MLP 512, 40.0% test, 2026-11-30 10:00',
  datasetId: 'abc',
  featureKind: 'clip',
  settings: DEFAULT_OCCLUSION,
  study: { perEmotion: 3, seed: 9 },
  side: 48,
  cells: grid.cells,
  starts: grid.starts,
  seconds: 1,
  emotions: [0, 3].map((emotion) => {
    const drops = new Float32Array(49);
    drops[emotion === 0 ? 0 : 48] = 0.2;
    return { emotion, indices: [1, 2, 3], meanBase: 0.5, drops, heatmap: new Float32Array(48 * 48).fill(0.05), meanFace: new Uint8Array(48 * 48).fill(90) };
  }),
};
const record: ResultRecord<OcclusionStudy> = { kind: OCCLUSION_KIND, id: 'run-1', datasetId: 'abc', createdAt: '2026-11-30T10:00:00.000Z', title: 'Occlusion maps per emotion <b>', value: study };

describe('occlusion studies in the report and the session record', () => {
  it('draws one heatmap per emotion under its own heading, with the numbers as a table', () => {
    const figure = occlusionFigure(record);
    const html = renderReport(collectSessionRecord({ embed: { sourceKind: 'hub', repo: 'r', mirrorUrl: '', precision: 'q', backend: 'wasm', template: 't', ensemble: false }, environment: { userAgent: 'test' }, training: { features: 'clip', settings: DEFAULT_MLP, runs: [] }, resultsTable: buildResultsTable({ runs: [], zeroShots: [] }) }), [figure]);
    expect(html).toContain(`<h2>${OCCLUSION_SECTION}</h2>`);
    expect(html).not.toContain('<h2>Embedding maps</h2>');
    expect(figure.svg.match(/<svg /g)).toHaveLength(3); // two emotions and the legend
    expect(html).toContain('aria-label="angry (3)"');
    // The largest fall of "happy" is the bottom-right patch, at (36, 36).
    expect(html).toMatch(/happy<\/th><td>3<\/td><td>50\.0%<\/td><td>\(36, 36\): 20\.0 pts/);
    expect(html).toContain('Occlusion maps per emotion &lt;b&gt;');
    expect(html).not.toMatch(/<script/i);
    expect(figure.svg).toContain('id="occlusion-legend-run-1"');
    expect(figure.svg).toContain('url(#occlusion-legend-run-1)');
  });

  it('puts a study’s settings and seed back when a session record is repeated', () => {
    const part = { settings: DEFAULT_OCCLUSION, study: { perEmotion: 10, seed: 1 }, studies: [{ runId: 'run-1', runLabel: study.runLabel, createdAt: record.createdAt, settings: { patch: 8, stride: 4, fill: 'mid' as const }, study: study.study }] };
    const todo = applyOcclusionPart(part, 'run-1');
    expect(todo).toMatch(/3 faces per emotion, seed 9, 8-px patches, stride 4/);
    expect(useOcclusionStore.getState().settings).toEqual({ patch: 8, stride: 4, fill: 'mid' });
    expect(useOcclusionStore.getState().study).toEqual({ perEmotion: 3, seed: 9 });
    expect(applyOcclusionPart(undefined, 'run-1')).toBeUndefined();
  });

  it('samples the same faces for the same seed, up to N per class', () => {
    const truth = Uint8Array.from({ length: 200 }, (_, i) => i % 7);
    const a = sampleByClass(truth, 5, 3);
    expect(a.map((p) => p.length)).toEqual([5, 5, 5, 5, 5, 5, 5]);
    a.forEach((positions, c) => positions.forEach((j) => expect(truth[j]).toBe(c)));
    expect(sampleByClass(truth, 5, 3)).toEqual(a);
    expect(sampleByClass(truth, 5, 4)).not.toEqual(a);
    expect(sampleByClass(truth, 1000, 3)[0]).toHaveLength(29);
  });
});
