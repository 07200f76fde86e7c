import { describe, expect, it } from 'vitest';
import { scoreTestSplit } from '../dataset/testScores';
import { confusionMatrix, evaluate, subsetAccuracy } from './metrics';

describe('metrics', () => {
  // Hand-computed case, 3 classes:
  // truth     0 0 0 1 1 2 2 2 2 2
  // predicted 0 0 1 1 2 2 2 2 0 1
  const truth = [0, 0, 0, 1, 1, 2, 2, 2, 2, 2];
  const predicted = [0, 0, 1, 1, 2, 2, 2, 2, 0, 1];

  it('counts the confusion matrix by true row and predicted column', () => {
    expect(Array.from(confusionMatrix(truth, predicted, 3))).toEqual([2, 1, 0, 0, 1, 1, 1, 1, 3]);
  });

  it('computes accuracy and per-class precision, recall and F1', () => {
    const e = evaluate(truth, predicted, 3);
    expect(e.accuracy).toBeCloseTo(6 / 10);
    // class 0: tp 2, predicted 3, support 3
    expect(e.perClass[0].precision).toBeCloseTo(2 / 3);
    expect(e.perClass[0].recall).toBeCloseTo(2 / 3);
    // class 1: tp 1, predicted 3, support 2 → p 1/3, r 1/2, f1 0.4
    expect(e.perClass[1].precision).toBeCloseTo(1 / 3);
    expect(e.perClass[1].recall).toBeCloseTo(1 / 2);
    expect(e.perClass[1].f1).toBeCloseTo(0.4);
    // class 2: tp 3, predicted 4, support 5 → p .75, r .6, f1 2/3
    expect(e.perClass[2].f1).toBeCloseTo(2 / 3);
    expect(e.perClass.map((m) => m.support)).toEqual([3, 2, 5]);
    expect(e.macroF1).toBeCloseTo((2 / 3 + 0.4 + 2 / 3) / 3);
  });

  it('reports zero, not NaN, for a class never predicted', () => {
    const e = evaluate([0, 1], [0, 0], 2);
    expect(e.perClass[1]).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
  });

  it('scores a subset of rows', () => {
    expect(subsetAccuracy(truth, predicted, (i) => i >= 5)).toEqual({ accuracy: 3 / 5, count: 5 });
  });

  it('scores the test split overall, per half, and without images also in train', () => {
    // four test predictions of dataset images 10..13: subsets Public, Public, Private, Private; image 13 leaked
    const subsets = new Array(14).fill(0);
    const flags = new Array(14).fill(0);
    [subsets[10], subsets[11], subsets[12], subsets[13]] = [1, 1, 2, 2];
    flags[13] = 2;
    const s = scoreTestSplit([0, 1, 1, 0], [0, 0, 1, 0], [10, 11, 12, 13], { subsets, flags }, 2);
    expect(s.evaluation.accuracy).toBeCloseTo(0.75);
    expect(s.publicTest).toEqual({ accuracy: 0.5, count: 2 });
    expect(s.privateTest).toEqual({ accuracy: 1, count: 2 });
    expect(s.clean).toEqual({ accuracy: 2 / 3, count: 3 });
  });

  it('refuses mismatched or out-of-range labels', () => {
    expect(() => evaluate([0], [0, 1], 2)).toThrow(/1 labels but 2 predictions/);
    expect(() => evaluate([0, 7], [0, 1], 2)).toThrow(/out of range at 1/);
  });
});
