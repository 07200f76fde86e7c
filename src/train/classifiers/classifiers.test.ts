import { describe, expect, it } from 'vitest';
import { fitAndScore } from '../classifierRun';
import { EMOTION_COUNT } from '../../lib/emotions';
import { gaussianBlobs } from '../gaussianBlobs';
import type { ForestResult, ProbeResult } from '../types';
import { CLASSIFIERS, classifierOf } from '.';
import { forestClassifier } from './forest';
import { linearProbeClassifier } from './linearProbe';

/** Seven well separated Gaussian blobs in 6 dimensions. */
const blobs = (perClass: number, seed = 3) => gaussianBlobs(perClass, { dim: 6, seed, spread: 6, noise: 1 });

const ctx = () => {
  const updates: { type: string }[] = [];
  return { updates, context: { signal: new AbortController().signal, gate: () => Promise.resolve(), progress: (u: { type: string }) => void updates.push(u) } };
};

describe('classifier registry', () => {
  it('gives every classifier its own storage, and refuses an unknown kind', () => {
    // (the Results table's rows and the paper's figures: src/results/resultsTable.test.ts)
    expect(new Set(CLASSIFIERS.map((c) => c.storage.record)).size).toBe(CLASSIFIERS.length);
    expect(() => classifierOf('nope' as never)).toThrow(/No classifier/);
  });
});

describe('linear probe entry', () => {
  it('fits through the shared job (C chosen on validation), scores like the others and survives serialization', async () => {
    const data = blobs(30);
    const { updates, context } = ctx();
    const settings = { ...linearProbeClassifier.defaults, cGrid: [0.01, 1, 100] };
    const { result, stored } = await fitAndScore<ProbeResult, { type: string }>(linearProbeClassifier, data, { kind: 'raw-pixels' }, settings, context);
    expect(result.classifier).toBe('linear-probe');
    expect(result.sweep.map((p) => p.c)).toEqual([0.01, 1, 100]);
    expect(settings.cGrid).toContain(result.chosenC);
    expect(result.test.accuracy).toBeGreaterThan(0.9);
    expect(result.test.confusion.length).toBe(EMOTION_COUNT * EMOTION_COUNT);
    expect(result.testPredictions.predicted.length).toBe(data.test.length);
    expect(updates.some((u) => u.type === 'fit')).toBe(true);
    expect(updates.at(-1)).toEqual({ type: 'stage', message: 'Evaluating…' });

    const model = await linearProbeClassifier.deserialize(stored);
    expect(linearProbeClassifier.storedBytes(stored)).toBe((stored as ArrayBuffer).byteLength);
    // The stored model predicts what the scored one did.
    const probabilities = linearProbeClassifier.predict(model, data.x, data.dim, data.test);
    const argmax = data.test.map((_, j) => {
      const row = Array.from(probabilities.subarray(j * EMOTION_COUNT, (j + 1) * EMOTION_COUNT));
      return row.indexOf(Math.max(...row));
    });
    expect(argmax).toEqual(Array.from(result.testPredictions.predicted));
    expect(linearProbeClassifier.describeResult(result)).toMatch(/^linear probe .*C from 0\.01, 1, 100 .*chosen C [\d.e+-]+ of 3 fitted; raw pixels/);
    const details = linearProbeClassifier.reportDetails(result);
    expect(details.tables[0].rows.filter((r) => r[0].endsWith('(chosen)'))).toHaveLength(1);
  });

  it('a cancelled probe stores nothing: the job throws', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      fitAndScore(linearProbeClassifier, blobs(5), { kind: 'raw-pixels' }, linearProbeClassifier.defaults, { signal: controller.signal, gate: () => Promise.resolve(), progress: () => undefined }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('forest entry', () => {
  it('grows, reports trees and scores through the same job', async () => {
    const data = blobs(20);
    const { updates, context } = ctx();
    const { result, stored } = await fitAndScore<ForestResult, { type: string }>(forestClassifier, data, { kind: 'raw-pixels' }, { ...forestClassifier.defaults, trees: 5 }, context);
    expect(result.classifier).toBe('forest');
    expect(result.testAccuracyBySize.at(-1)?.trees).toBe(5);
    expect(result.test.accuracy).toBeGreaterThan(0.8);
    expect(updates.filter((u) => u.type === 'tree').length).toBeGreaterThan(0);
    expect(forestClassifier.storedBytes(stored)).toBe(result.storedBytes);
  });
});
