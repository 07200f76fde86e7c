import { describe, expect, it } from 'vitest';
import { buildResultsTable } from '../results/resultsTable';
import { renderReport } from '../notebook/reportHtml';
import { collectSessionRecord } from '../notebook/sessionRecord';
import { DEFAULT_MLP } from './mlpSettings';
import { DEFAULT_DATA_EFFICIENCY, type DataEfficiencyPoint, type DataEfficiencyRecord, type DataEfficiencyValue } from './dataEfficiency';
import { dataEfficiencySvg } from './dataEfficiencyChart';

const point = (shots: number | 'all', draw: number, testAccuracy: number): DataEfficiencyPoint => ({ shots, draw, trainCount: 7, testAccuracy, cleanAccuracy: testAccuracy, cleanCount: 10, seconds: 0.1 });
const value = (trainedOn: string): DataEfficiencyValue => ({
  settings: { ...DEFAULT_DATA_EFFICIENCY, ks: [1, 2], draws: 2 },
  trainedOn,
  featuresKey: trainedOn,
  datasetName: 'fer.zip',
  c: 0.5,
  allPerEmotion: 4100,
  points: [point(1, 0, 0.2), point(1, 1, 0.3), point(2, 0, 0.35), point(2, 1, 0.4), point('all', 0, 0.6)],
  plannedCount: 5,
  complete: true,
  zeroShot: 0.45,
});

describe('the data-efficiency chart', () => {
  it('draws each study (mean points, min–max band), the zero-shot line and the paper mark, with escaped text', () => {
    const svg = dataEfficiencySvg([{ name: 'probe on <script>', value: value('a') }, { name: 'probe on b', value: value('b') }], { zeroShot: 0.45 });
    expect(svg.match(/<circle /g)).toHaveLength(6);
    expect(svg.match(/class="band"/g)).toHaveLength(2);
    expect(svg).toContain('class="zero-shot"');
    expect(svg).toContain('class="paper"');
    expect(svg).toContain('CLIP zero-shot 45.00%');
    expect(svg).toContain('71.40%');
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('probe on &lt;script&gt;');
    expect(svg).toMatch(/data-k="1" data-mean="0.2500"/);
  });

  it('names the family whose zero-shot the line is', () => {
    expect(dataEfficiencySvg([{ name: 'probe', value: value('a') }], { zeroShot: 0.3, zeroShotBy: 'SigLIP' })).toContain('SigLIP zero-shot 30.00%');
  });

  it('is in the session record and the report, one figure for studies with the same draws', () => {
    const record = (id: string, trainedOn: string): DataEfficiencyRecord => ({ kind: 'data-efficiency', id, datasetId: 'abc', createdAt: '2026-11-30T10:00:00.000Z', title: `study ${id}`, value: value(trainedOn) });
    const session = collectSessionRecord({
      embed: { sourceKind: 'hub', repo: 'r', mirrorUrl: '', precision: 'fp32', backend: 'wasm', template: 'A {} face', ensemble: false },
      environment: { userAgent: 'test' },
      training: { features: 'clip', settings: DEFAULT_MLP, runs: [] },
      resultsTable: buildResultsTable({ runs: [], zeroShots: [] }),
      dataEfficiency: [record('one', 'CLIP'), record('two', 'raw pixels')],
    });
    expect(session.dataEfficiency?.map((s) => [s.id, s.points.length, s.settings.seed])).toEqual([['one', 5, 42], ['two', 5, 42]]);
    const html = renderReport(session);
    const section = html.slice(html.indexOf('<h2>Data efficiency'));
    expect(section.match(/<svg /g)).toHaveLength(1);
    expect(section).toContain('linear probe on CLIP');
    expect(section).toContain('linear probe on raw pixels');
    expect(section).toMatch(/<td>all<\/td><td>1<\/td><td>60.00%<\/td>/);
  });
});
