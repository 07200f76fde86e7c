import { describe, expect, it } from 'vitest';
import { BACKBONES, backboneById } from '../embed/backbones';
import type { Representation } from '../embed/embeddingCache';
import { CLASSIFIERS, classifierOf } from '../train/classifiers';
import { evaluate } from '../lib/metrics';
import type { ClassifierRun, FeatureKind } from '../train/types';
import { buildResultsTable, PAPER_BACKBONE_ID, RAW_PIXELS_ROW, rowOfRepresentation, ZERO_SHOT_COLUMN, type ZeroShotEntry } from './resultsTable';

const evaluation = (accuracy: number) => {
  // 10 test faces, `accuracy` of them right: the table shows evaluate()'s accuracy as it is.
  const truth = Array.from({ length: 10 }, (_, i) => i % 7);
  const predicted = truth.map((t, i) => (i < accuracy * 10 ? t : (t + 1) % 7));
  return evaluate(truth, predicted, 7);
};

function run(id: string, classifier: string, featureKind: FeatureKind, rep: Representation | undefined, accuracy: number, createdAt: string, datasetId = 'd1'): ClassifierRun {
  const settings = classifierOf(classifier as 'mlp').defaults;
  return {
    id,
    createdAt,
    datasetId,
    datasetName: 'fer2013-mini.zip',
    featureKind,
    rep,
    result: {
      classifier,
      features: 'whatever',
      settings,
      seconds: 3,
      trainAccuracy: 0.9,
      test: evaluation(accuracy),
      history: [],
      bestEpoch: 1,
      chosenC: 1,
      sweep: [],
      msPerTree: [1],
    } as unknown as ClassifierRun['result'],
  };
}

const clipB32: Representation = { kind: 'clip', model: 'Xenova/clip-vit-base-patch32', precision: 'quantized', dim: 512 };
const expression: Representation = { kind: 'face-api-expression', model: 'face-api-expression', precision: 'fp32', dim: 256 };
const zeroShot = (id: string, rep: Representation, test: number, createdAt: string, datasetId = 'd1'): ZeroShotEntry => ({ id, datasetId, createdAt, test, rep, settings: 'prompts', seconds: 2, testImages: 7_178 });

const cell = (table: ReturnType<typeof buildResultsTable>, row: string, column: string) => table.rows.find((r) => r.id === row)!.cells.find((c) => c.column === column)!;

describe('the Results table (backbones × classifiers)', () => {
  it('has raw pixels and every registry backbone as rows, zero-shot and every registry classifier as columns', () => {
    const table = buildResultsTable({ runs: [], zeroShots: [] });
    expect(table.rows.map((r) => r.id)).toEqual([RAW_PIXELS_ROW, ...BACKBONES.map((b) => b.id)]);
    expect(table.columns.map((c) => c.id)).toEqual([ZERO_SHOT_COLUMN, ...CLASSIFIERS.map((c) => c.kind)]);
    expect(table.measured).toBe(0);
    // face-api networks are marked as references; CLIP is not
    expect(table.rows.find((r) => r.id === 'face-api-expression')!.reference).toBe(true);
    expect(table.rows.find((r) => r.id === PAPER_BACKBONE_ID)!.reference).toBe(false);
  });

  it('offers zero-shot only where the backbone has a text tower', () => {
    const table = buildResultsTable({ runs: [], zeroShots: [] });
    for (const row of table.rows) {
      const hasText = row.id !== RAW_PIXELS_ROW && backboneById(row.id).hasText;
      expect(cell(table, row.id, ZERO_SHOT_COLUMN).applicable).toBe(hasText);
    }
    expect(cell(table, 'siglip-base-patch16-224', ZERO_SHOT_COLUMN).applicable).toBe(true);
    expect(cell(table, 'face-api-recognition', ZERO_SHOT_COLUMN).applicable).toBe(false);
  });

  it('puts the paper’s figures on the raw-pixel row and the paper’s CLIP only', () => {
    const table = buildResultsTable({ runs: [], zeroShots: [] });
    expect(cell(table, RAW_PIXELS_ROW, 'mlp').paperTest).toBe(0.414);
    expect(cell(table, RAW_PIXELS_ROW, 'forest').paperTest).toBe(0.489);
    expect(cell(table, PAPER_BACKBONE_ID, 'mlp').paperTest).toBe(0.714);
    expect(cell(table, PAPER_BACKBONE_ID, 'forest').paperTest).toBe(0.6817);
    expect(cell(table, PAPER_BACKBONE_ID, 'linear-probe').paperTest).toBeUndefined();
    expect(cell(table, 'clip-vit-l-14', 'mlp').paperTest).toBeUndefined();
    expect(cell(table, 'face-api-expression', 'mlp').paperTest).toBeUndefined();
  });

  it('fills each cell with the newest run of that backbone and classifier on the dataset, and names the run', () => {
    const runs = [
      { classifier: 'mlp', runs: [run('m1', 'mlp', 'clip', clipB32, 0.5, '2026-11-30T10:00:00Z'), run('m2', 'mlp', 'clip', clipB32, 0.7, '2026-11-30T11:00:00Z'), run('m3', 'mlp', 'clip', clipB32, 0.1, '2026-11-30T12:00:00Z', 'other')] },
      { classifier: 'linear-probe', runs: [run('p1', 'linear-probe', 'clip', expression, 0.6, '2026-11-30T10:00:00Z'), run('p2', 'linear-probe', 'raw-pixels', undefined, 0.3, '2026-11-30T10:00:00Z')] },
      { classifier: 'forest', runs: [run('f1', 'forest', 'clip', expression, 0.4, '2026-11-30T10:00:00Z')] },
    ];
    const table = buildResultsTable({ runs, zeroShots: [], datasetId: 'd1' });
    expect(cell(table, PAPER_BACKBONE_ID, 'mlp')).toMatchObject({ test: 0.7, train: 0.9, seconds: 3, source: { kind: 'run', classifier: 'mlp', id: 'm2' } });
    expect(cell(table, PAPER_BACKBONE_ID, 'mlp').settings).toBe(classifierOf('mlp').describeResult(runs[0].runs[1].result));
    expect(cell(table, 'face-api-expression', 'linear-probe')).toMatchObject({ test: 0.6, source: { id: 'p1' } });
    expect(cell(table, 'face-api-expression', 'forest')).toMatchObject({ test: 0.4, source: { id: 'f1' } });
    expect(cell(table, RAW_PIXELS_ROW, 'linear-probe')).toMatchObject({ test: 0.3, source: { id: 'p2' } });
    expect(cell(table, 'face-api-expression', 'mlp').test).toBeUndefined();
    expect(cell(table, 'face-api-recognition', 'linear-probe').test).toBeUndefined();
    expect(table.measured).toBe(4);
    // without a dataset filter the newest run anywhere wins
    expect(cell(buildResultsTable({ runs, zeroShots: [] }), PAPER_BACKBONE_ID, 'mlp').source).toEqual({ kind: 'run', classifier: 'mlp', id: 'm3' });
  });

  it('fills zero-shot from the newest stored record of that backbone', () => {
    const siglip: Representation = { kind: 'siglip', model: 'Xenova/siglip-base-patch16-224', precision: 'quantized', dim: 768 };
    const table = buildResultsTable({
      runs: [],
      zeroShots: [zeroShot('z1', clipB32, 0.3, '2026-11-30T10:00:00Z'), zeroShot('z2', clipB32, 0.35, '2026-11-30T11:00:00Z'), zeroShot('z3', siglip, 0.4, '2026-11-30T10:00:00Z')],
      datasetId: 'd1',
    });
    expect(cell(table, PAPER_BACKBONE_ID, ZERO_SHOT_COLUMN)).toMatchObject({ test: 0.35, source: { kind: 'zero-shot', id: 'z2' } });
    expect(cell(table, 'siglip-base-patch16-224', ZERO_SHOT_COLUMN)).toMatchObject({ test: 0.4, source: { kind: 'zero-shot', id: 'z3' } });
  });

  it('places a representation by its checkpoint, else by its dimension within the family, and old runs as CLIP', () => {
    expect(rowOfRepresentation('clip', { kind: 'clip', model: 'Xenova/clip-vit-base-patch16', precision: 'fp32', dim: 512 })).toBe('clip-vit-b-16');
    // a ViT-L/14 from a mirror: 768-d, so not the B/32 row
    expect(rowOfRepresentation('clip', { kind: 'clip', model: 'http://127.0.0.1/models/l14/', precision: 'fp32', dim: 768 })).toBe('clip-vit-l-14');
    expect(rowOfRepresentation('clip', { kind: 'clip', model: 'http://127.0.0.1/models/tiny/', precision: 'fp32', dim: 32 })).toBe(PAPER_BACKBONE_ID);
    expect(rowOfRepresentation('clip', undefined)).toBe(PAPER_BACKBONE_ID);
    expect(rowOfRepresentation('raw-pixels', undefined)).toBe(RAW_PIXELS_ROW);
    expect(rowOfRepresentation('clip', { kind: 'no-such-backbone', dim: 3 })).toBeUndefined();
  });
});
