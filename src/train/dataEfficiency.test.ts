import { describe, expect, it } from 'vitest';
import { seededRandom } from '../lib/random';
import {
  aggregatePoints,
  curveCsv,
  DEFAULT_DATA_EFFICIENCY,
  drawTrainingFaces,
  labelsWorth,
  parseKs,
  pendingPoints,
  planPoints,
  studyId,
  type DataEfficiencyPoint,
} from './dataEfficiency';
import { runDataEfficiency, type DataEfficiencyProgress } from './dataEfficiencyRun';
import type { TrainingData } from './trainingData';

/** 7 emotions with uneven counts (emotion 1 has only 3 training faces, like FER2013's rare disgust). */
function faces() {
  const labels: number[] = [];
  for (let c = 0; c < 7; c++) for (let i = 0; i < (c === 1 ? 3 : 20 + c); i++) labels.push(c);
  const order = [...labels.keys()];
  const random = seededRandom(9);
  order.sort(() => random() - 0.5);
  const shuffledLabels = Uint8Array.from(order, (i) => labels[i]);
  // Position p holds dataset image 1000 + 3p: image numbers are not positions.
  const imageOf = Uint32Array.from(order, (_, p) => 1000 + 3 * p);
  return { labels: shuffledLabels, imageOf, train: [...order.keys()] };
}

const countBy = (labels: ArrayLike<number>, rows: number[]) => rows.reduce((m, r) => m.set(labels[r], (m.get(labels[r]) ?? 0) + 1), new Map<number, number>());

describe('data-efficiency draws', () => {
  const { labels, imageOf, train } = faces();

  it('are stratified: k faces per emotion, all of an emotion that has fewer', () => {
    const drawn = drawTrainingFaces(labels, imageOf, train, 4, 42, 0);
    const counts = countBy(labels, drawn);
    expect([...counts.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const [c, n] of counts) expect(n).toBe(c === 1 ? 3 : 4);
    expect(new Set(drawn).size).toBe(drawn.length);
    expect(drawn.every((p) => train.includes(p))).toBe(true);
  });

  it('are seeded: the same (seed, draw) gives the same faces; another draw or seed gives others', () => {
    const a = drawTrainingFaces(labels, imageOf, train, 8, 42, 1);
    expect(drawTrainingFaces(labels, imageOf, train, 8, 42, 1)).toEqual(a);
    expect(drawTrainingFaces(labels, imageOf, train, 8, 42, 2)).not.toEqual(a);
    expect(drawTrainingFaces(labels, imageOf, train, 8, 7, 1)).not.toEqual(a);
  });

  it('are nested: the faces of k are among those of 2k for the same draw', () => {
    for (let d = 0; d < 3; d++) {
      let previous: number[] = [];
      for (const k of [1, 2, 4, 8, 16]) {
        const drawn = drawTrainingFaces(labels, imageOf, train, k, 42, d);
        expect(previous.every((p) => drawn.includes(p))).toBe(true);
        previous = drawn;
      }
    }
  });

  it('follow image numbers, not positions: the same images in another order give the same images', () => {
    const reversed = [...train].reverse();
    const permutedLabels = Uint8Array.from(reversed, (p) => labels[p]);
    const permutedImages = Uint32Array.from(reversed, (p) => imageOf[p]);
    const a = drawTrainingFaces(labels, imageOf, train, 4, 42, 0).map((p) => imageOf[p]).sort();
    const b = drawTrainingFaces(permutedLabels, permutedImages, train, 4, 42, 0).map((p) => permutedImages[p]).sort();
    expect(b).toEqual(a);
  });

  it("'all' is the whole training split; a bad k is refused", () => {
    expect(drawTrainingFaces(labels, imageOf, train.slice(5), 'all', 42, 0)).toEqual(train.slice(5));
    expect(() => drawTrainingFaces(labels, imageOf, train, 0, 42, 0)).toThrow(/whole number/);
    expect(() => parseKs('1, 2, x')).toThrow(/"x"/);
    expect(parseKs('1, 2 4')).toEqual([1, 2, 4]);
  });
});

describe('data-efficiency plan, resume and aggregation', () => {
  it('plans every (k, draw) in ascending k, fewer draws at all, and a re-run skips stored points', () => {
    const plan = planPoints({ ks: [4, 1, 2, 2], includeAll: true, draws: 2, drawsAtAll: 1 });
    expect(plan.map((p) => `${p.shots}:${p.draw}`)).toEqual(['1:0', '1:1', '2:0', '2:1', '4:0', '4:1', 'all:0']);
    const pending = pendingPoints(plan, [{ shots: 1, draw: 0 }, { shots: 2, draw: 1 }, { shots: 'all', draw: 0 }, { shots: 64, draw: 0 }]);
    expect(pending.map((p) => `${p.shots}:${p.draw}`)).toEqual(['1:1', '2:0', '4:0', '4:1']);
  });

  it('gives a study the same id for the same settings only', () => {
    const s = DEFAULT_DATA_EFFICIENCY;
    expect(studyId('d', 'clip', { ...s, ks: [2, 1] })).toBe(studyId('d', 'clip', { ...s, ks: [1, 2] }));
    expect(studyId('d', 'clip', s)).not.toBe(studyId('d', 'raw', s));
    expect(studyId('d', 'clip', s)).not.toBe(studyId('d', 'clip', { ...s, seed: 1 }));
    expect(studyId('d', 'clip', s)).not.toBe(studyId('e', 'clip', s));
  });

  const point = (shots: number | 'all', draw: number, testAccuracy: number): DataEfficiencyPoint => ({
    shots, draw, trainCount: 7, testAccuracy, cleanAccuracy: testAccuracy - 0.01, cleanCount: 10, seconds: 0.1,
  });

  it('aggregates mean, sample sd, min and max per k, all last at its x', () => {
    const stats = aggregatePoints([point('all', 0, 0.7), point(2, 0, 0.3), point(1, 1, 0.2), point(1, 0, 0.1), point(2, 1, 0.5)], 4000);
    expect(stats.map((s) => [s.shots, s.x, s.n])).toEqual([[1, 1, 2], [2, 2, 2], ['all', 4000, 1]]);
    expect(stats[0].mean).toBeCloseTo(0.15);
    expect(stats[0].sd).toBeCloseTo(Math.SQRT1_2 * 0.1);
    expect([stats[1].min, stats[1].max]).toEqual([0.3, 0.5]);
    expect(stats[2].sd).toBe(0);
    expect(stats[1].cleanMean).toBeCloseTo(0.39);
  });

  it('finds the labels zero-shot is worth on the log axis', () => {
    const stats = aggregatePoints([point(1, 0, 0.2), point(4, 0, 0.4), point('all', 0, 0.6)], 4000);
    expect(labelsWorth(stats, 0.3)).toBeCloseTo(2);
    expect(labelsWorth(stats, 0.1)).toBe(0);
    expect(labelsWorth(stats, 0.9)).toBeUndefined();
    const csv = curveCsv({ settings: DEFAULT_DATA_EFFICIENCY, trainedOn: 'x', featuresKey: 'x', datasetName: 'd', allPerEmotion: 4000, points: [point(1, 0, 0.2)], plannedCount: 1, complete: true });
    expect(csv.split('\n')[1]).toBe('1,1,0.2,0,0.2,0.2,0.19,7');
  });
});

describe('runDataEfficiency', () => {
  /** Two separable clusters per class in 4-d, train and test. */
  function data(): TrainingData {
    const random = seededRandom(3);
    const n = 7 * 30;
    const dim = 8;
    const x = new Float32Array(n * dim);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 7;
      for (let j = 0; j < dim; j++) x[i * dim + j] = (j === labels[i] ? 1.5 : 0) + random() - 0.5;
    }
    const rows = [...labels.keys()];
    const train = rows.filter((i) => i < 7 * 20);
    const test = rows.filter((i) => i >= 7 * 20);
    const columns = { subsets: new Uint8Array(n), flags: new Uint8Array(n), labels, splits: new Uint8Array(n), imageIds: rows.map(String) };
    return { x, dim, rows, labels, train, test, columns } as unknown as TrainingData;
  }

  it('fits every pending point at one C, reports each as it ends, and skips stored points', async () => {
    const settings = { ...DEFAULT_DATA_EFFICIENCY, ks: [1, 4], draws: 2, c: 1 as const };
    const updates: DataEfficiencyProgress[] = [];
    const ctx = { signal: new AbortController().signal, gate: async () => undefined, progress: (p: DataEfficiencyProgress) => updates.push(p) };
    const first = await runDataEfficiency(data(), { kind: 'raw-pixels' }, { settings, stored: [] }, ctx);
    expect(first.c).toBe(1);
    expect(first.points.map((p) => `${p.shots}:${p.draw}:${p.trainCount}`)).toEqual(['1:0:7', '1:1:7', '4:0:28', '4:1:28', 'all:0:140']);
    expect(updates.filter((u) => u.type === 'point')).toHaveLength(5);
    expect(updates.find((u) => u.type === 'ready')).toEqual({ type: 'ready', c: 1, trainCount: 140 });
    // More faces, better scores on this easy problem; every point scored on all 70 test images.
    expect(first.points.at(-1)!.testAccuracy).toBeGreaterThan(0.9);
    expect(first.points.every((p) => p.cleanCount === 70)).toBe(true);

    const again = await runDataEfficiency(data(), { kind: 'raw-pixels' }, { settings, stored: first.points.slice(0, 3) }, ctx);
    expect(again.points.map((p) => `${p.shots}:${p.draw}`)).toEqual(['4:1', 'all:0']);
    // Seeded: the same point gives the same score.
    expect(again.points[0].testAccuracy).toBe(first.points[3].testAccuracy);
  });

  it('searches C once on the whole training split when none is given, and stops on cancel between points', async () => {
    const controller = new AbortController();
    const updates: DataEfficiencyProgress[] = [];
    const settings = { ...DEFAULT_DATA_EFFICIENCY, ks: [1, 2, 4], draws: 2 };
    const run = runDataEfficiency(data(), { kind: 'raw-pixels' }, { settings, stored: [] }, {
      signal: controller.signal,
      gate: async () => undefined,
      progress: (p) => {
        updates.push(p);
        if (p.type === 'point' && updates.filter((u) => u.type === 'point').length === 2) controller.abort();
      },
    });
    await expect(run).rejects.toThrow();
    expect(updates.some((u) => u.type === 'c-search')).toBe(true);
    const ready = updates.find((u) => u.type === 'ready') as Extract<DataEfficiencyProgress, { type: 'ready' }>;
    expect(ready.c).toBeGreaterThan(0);
    expect(updates.filter((u) => u.type === 'point')).toHaveLength(2);
  });
});
