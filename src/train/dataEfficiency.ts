/**
 * Data-efficiency curves (issue 21): a classifier trained on k labelled faces per emotion, k = 1, 2, 4, … and all,
 * several seeded draws per k, each point scored on the whole test split. Pure helpers here: the plan of points,
 * the draws, the resume check and the aggregation; the worker side is dataEfficiencyRun.ts, the chart
 * dataEfficiencyChart.ts.
 *
 * Draws are stratified, seeded and nested: draw d shuffles each emotion's training images once (seed, d) and takes
 * the first k, so the faces of k are among those of 2k, and an emotion with fewer than k training images gives all
 * it has. The shuffle runs over dataset image numbers, not feature positions: two representations of the same
 * images (CLIP, raw pixels, another backbone) get the same faces for the same (seed, k, draw), so their curves can
 * be overlaid point by point.
 *
 * The regularization for the linear probe: the paper's C search needs a validation split, which at k = 1 is empty
 * (and at k = 2 one face per emotion). So C is chosen once, by the paper's own search on the whole training split,
 * and every point, "all" included, is fitted at that one C on all of its faces. One C for the whole curve keeps
 * the number of labels the only thing that changes along it; a C typed in the panel replaces the search.
 */
import type { ResultRecord } from '../lib/resultRecords';
import { seededRandom } from '../lib/random';
import type { ClassifierKind } from './classifiers/types';
import type { MlpSettings } from './mlpSettings';
import { shuffled } from './split';
import { pct } from '../lib/format';

/** Stored result records of this kind (src/lib/resultRecords.ts). */
export const DATA_EFFICIENCY_KIND = 'data-efficiency';

/** The paper's full-data figure marked on the chart: CLIP + MLP, 71.40% test accuracy. */
export const PAPER_FULL_DATA = { accuracy: 0.714, label: 'paper: CLIP + MLP, all labels (71.40%)' };

/** k labelled faces per emotion, or every training face ('all'). */
export type Shots = number | 'all';

export interface DataEfficiencySettings {
  classifier: Extract<ClassifierKind, 'linear-probe' | 'mlp'>;
  /** faces per emotion, ascending powers of two by default */
  ks: number[];
  includeAll: boolean;
  /** seeded draws per k */
  draws: number;
  /** draws at 'all' (one set of faces: more draws differ only by the classifier's own seed) */
  drawsAtAll: number;
  seed: number;
  /** the linear probe's C: 'search' = the paper's search on the whole training split, once; or a fixed value */
  c: 'search' | number;
  /** the MLP's settings (the Train section's form when the study started), when the classifier is the MLP */
  mlp?: MlpSettings;
}

export const DEFAULT_DATA_EFFICIENCY: DataEfficiencySettings = {
  classifier: 'linear-probe',
  ks: [1, 2, 4, 8, 16, 32, 64, 128],
  includeAll: true,
  draws: 5,
  drawsAtAll: 1,
  seed: 42,
  c: 'search',
};

/** One finished (k, draw): what the classifier scored on the test split. */
export interface DataEfficiencyPoint {
  shots: Shots;
  draw: number;
  /** faces trained on (fewer than 7·k where an emotion has fewer than k) */
  trainCount: number;
  /** accuracy on the whole test split */
  testAccuracy: number;
  /** accuracy on the test images that do not also occur in train (leak-free) */
  cleanAccuracy: number;
  cleanCount: number;
  seconds: number;
}

export interface PlannedPoint {
  shots: Shots;
  draw: number;
}

export const pointKey = (p: PlannedPoint) => `${p.shots}:${p.draw}`;

/** Every (k, draw) of the settings, in the order they run: ascending k, then draws, then 'all'. */
export function planPoints(s: Pick<DataEfficiencySettings, 'ks' | 'includeAll' | 'draws' | 'drawsAtAll'>): PlannedPoint[] {
  const ks = [...new Set(s.ks)].sort((a, b) => a - b);
  const out: PlannedPoint[] = [];
  for (const k of ks) for (let d = 0; d < s.draws; d++) out.push({ shots: k, draw: d });
  if (s.includeAll) for (let d = 0; d < s.drawsAtAll; d++) out.push({ shots: 'all', draw: d });
  return out;
}

/** The points still to run: a re-run with the same settings skips every point already stored. */
export function pendingPoints(plan: PlannedPoint[], stored: readonly PlannedPoint[]): PlannedPoint[] {
  const done = new Set(stored.map(pointKey));
  return plan.filter((p) => !done.has(pointKey(p)));
}

/** The seed of one draw: the same (seed, draw) gives the same shuffle whatever k is (nested draws). */
export const drawSeed = (seed: number, draw: number) => (Math.imul(seed ^ 0x2545f491, 0x9e3779b1) + Math.imul(draw + 1, 0x85ebca6b)) >>> 0;

/**
 * The training positions of one draw: per emotion, `k` faces of `trainPositions` (all of them for 'all'), chosen by
 * a shuffle of that emotion's dataset image numbers seeded by (seed, draw). `imageOf[p]` is the dataset image of
 * position p, `labels[p]` its emotion. Returned in ascending position.
 */
export function drawTrainingFaces(labels: ArrayLike<number>, imageOf: ArrayLike<number>, trainPositions: readonly number[], shots: Shots, seed: number, draw: number): number[] {
  if (shots === 'all') return [...trainPositions].sort((a, b) => a - b);
  if (!(Number.isInteger(shots) && shots >= 1)) throw new Error(`k must be a whole number ≥ 1, not ${shots}`);
  const byClass = new Map<number, number[]>();
  // Sorted by image number first, so the shuffle does not depend on the order positions came in.
  for (const p of [...trainPositions].sort((a, b) => imageOf[a] - imageOf[b])) {
    const members = byClass.get(labels[p]) ?? [];
    members.push(p);
    byClass.set(labels[p], members);
  }
  const out: number[] = [];
  for (const [label, members] of [...byClass.entries()].sort(([a], [b]) => a - b)) {
    // A generator per emotion: the faces of one emotion do not shift when another emotion has more or fewer.
    const random = seededRandom(drawSeed(seed, draw) ^ Math.imul(label + 1, 0x27d4eb2f));
    out.push(...shuffled(members, random).slice(0, shots));
  }
  return out.sort((a, b) => a - b);
}

export interface CurveStat {
  shots: Shots;
  /** the k on the axis ('all': the mean number of faces per emotion of the training split) */
  x: number;
  n: number;
  mean: number;
  sd: number;
  min: number;
  max: number;
  cleanMean: number;
  meanTrainCount: number;
}

/**
 * Mean, sample standard deviation (n − 1; 0 for one draw), min and max per k, in ascending k with 'all' last at
 * `allX` (the training split's faces per emotion) on the axis.
 */
export function aggregatePoints(points: readonly DataEfficiencyPoint[], allX: number, metric: 'testAccuracy' | 'cleanAccuracy' = 'testAccuracy'): CurveStat[] {
  const groups = new Map<Shots, DataEfficiencyPoint[]>();
  for (const p of points) groups.set(p.shots, [...(groups.get(p.shots) ?? []), p]);
  const order = (s: Shots) => (s === 'all' ? Infinity : s);
  return [...groups.entries()]
    .sort(([a], [b]) => order(a) - order(b))
    .map(([shots, group]) => {
      const values = group.map((p) => p[metric]);
      const n = values.length;
      const mean = values.reduce((a, b) => a + b, 0) / n;
      const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
      return {
        shots,
        x: shots === 'all' ? allX : shots,
        n,
        mean,
        sd,
        min: Math.min(...values),
        max: Math.max(...values),
        cleanMean: group.reduce((a, p) => a + p.cleanAccuracy, 0) / n,
        meanTrainCount: group.reduce((a, p) => a + p.trainCount, 0) / n,
      };
    });
}

/**
 * "How many labels is zero-shot worth": the k (faces per emotion) where the mean curve first reaches `accuracy`,
 * interpolated on the log axis between the two points around it; undefined when no point reaches it, 0 when even the
 * first point is above it ("fewer than the first k").
 */
export function labelsWorth(stats: readonly CurveStat[], accuracy: number): number | undefined {
  for (let i = 0; i < stats.length; i++) {
    if (stats[i].mean < accuracy) continue;
    if (i === 0) return 0;
    const [a, b] = [stats[i - 1], stats[i]];
    const t = (accuracy - a.mean) / (b.mean - a.mean);
    return Math.exp(Math.log(a.x) + t * (Math.log(b.x) - Math.log(a.x)));
  }
  return undefined;
}

/** A stored study: its settings and identity, the points finished so far, and whether every planned point is in. */
export interface DataEfficiencyValue {
  settings: DataEfficiencySettings;
  /** the features in words ("CLIP Xenova/clip-vit-base-patch32 quantized", "raw pixels …") */
  trainedOn: string;
  /** the representation's identity, part of the study key */
  featuresKey: string;
  datasetName: string;
  /** the C every probe point was fitted at (after the search, or as given); undefined for the MLP */
  c?: number;
  /** training faces per emotion of the whole split (where 'all' sits on the axis) */
  allPerEmotion: number;
  points: DataEfficiencyPoint[];
  plannedCount: number;
  complete: boolean;
  /** zero-shot accuracy on the same dataset when the study ran, for the horizontal line */
  zeroShot?: number;
  /** the family whose text tower scored it ("CLIP", "SigLIP"); studies stored before it was recorded: CLIP */
  zeroShotBy?: string;
}
export type DataEfficiencyRecord = ResultRecord<DataEfficiencyValue>;

/**
 * The stored record's id: the same dataset, representation and settings give the same id, so a re-run finds the
 * points already stored and skips them.
 */
export function studyId(datasetId: string, featuresKey: string, s: DataEfficiencySettings): string {
  const text = JSON.stringify([datasetId, featuresKey, s.classifier, [...new Set(s.ks)].sort((a, b) => a - b), s.includeAll, s.draws, s.drawsAtAll, s.seed, s.c, s.classifier === 'mlp' ? (s.mlp ?? null) : null]);
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    h1 = Math.imul(h1 ^ text.charCodeAt(i), 0x01000193);
    h2 = Math.imul(h2 ^ text.charCodeAt(i), 0x5bd1e995);
  }
  return `${(h1 >>> 0).toString(36)}${(h2 >>> 0).toString(36)}`;
}

/** Same draws (seed, ks, draws): curves that can be overlaid face for face. */
export const sameDraws = (a: DataEfficiencySettings, b: DataEfficiencySettings) =>
  a.seed === b.seed && a.draws === b.draws && a.drawsAtAll === b.drawsAtAll && a.includeAll === b.includeAll && JSON.stringify([...a.ks].sort((x, y) => x - y)) === JSON.stringify([...b.ks].sort((x, y) => x - y));

/** "1, 2, 4, 8" → [1, 2, 4, 8]; a clear message otherwise. */
export function parseKs(text: string): number[] {
  const parts = text.split(/[,\s]+/).filter(Boolean);
  if (parts.length === 0) throw new Error('Faces per emotion: give at least one k, e.g. "1, 2, 4, 8"');
  return parts.map((p) => {
    const k = Number(p);
    if (!Number.isInteger(k) || k < 1) throw new Error(`Faces per emotion: "${p}" is not a whole number ≥ 1`);
    return k;
  });
}


/** The curve as CSV: one row per k (mean, sd, min, max over draws) and then one row per point. */
export function curveCsv(value: DataEfficiencyValue): string {
  const stats = aggregatePoints(value.points, value.allPerEmotion);
  const lines = ['k_per_emotion,draws,mean_test_accuracy,sd,min,max,mean_clean_accuracy,mean_train_faces'];
  for (const s of stats) lines.push([s.shots, s.n, s.mean, s.sd, s.min, s.max, s.cleanMean, s.meanTrainCount].map(String).join(','));
  lines.push('', 'k_per_emotion,draw,train_faces,test_accuracy,clean_accuracy,clean_count,seconds');
  for (const p of value.points) lines.push([p.shots, p.draw, p.trainCount, p.testAccuracy, p.cleanAccuracy, p.cleanCount, p.seconds.toFixed(3)].join(','));
  return `${lines.join('\n')}\n`;
}

export function studySummary(value: DataEfficiencyValue): string {
  const stats = aggregatePoints(value.points, value.allPerEmotion);
  const last = stats.at(-1);
  const what = `${value.settings.classifier === 'mlp' ? 'MLP' : 'Linear probe'} on ${value.trainedOn}${value.c === undefined ? '' : `, C ${Number(value.c.toPrecision(3))}`}`;
  const done = value.complete ? `${value.points.length} points` : `${value.points.length} of ${value.plannedCount} points`;
  const worth = value.zeroShot === undefined ? undefined : labelsWorth(stats, value.zeroShot);
  const zs =
    value.zeroShot === undefined
      ? ''
      : `; zero-shot (${pct(value.zeroShot)}) is worth ${worth === undefined ? `more than ${last?.shots === 'all' ? 'every' : last?.shots} label${last?.shots === 1 ? '' : 's'} per emotion` : worth === 0 ? `less than ${stats[0].shots} label per emotion` : `≈ ${worth.toFixed(1)} labels per emotion`}`;
  return `${what}: ${done}${last ? `, ${last.shots === 'all' ? 'all labels' : `k = ${last.shots}`} ${pct(last.mean)}` : ''}${zs}.`;
}
