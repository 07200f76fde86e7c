/**
 * Hyperparameter sweep: a small grid of MLP settings (hidden sizes × learning rate × dropout) trained one after
 * another in the train worker. Pure helpers: expanding and parsing the grid, scoring a run, sorting the table.
 */
import type { ResultRecord } from '../lib/resultRecords';
import type { MlpSettings } from './mlpSettings';
import type { TrainResult } from './types';

export interface SweepGrid {
  hidden: number[][];
  learningRate: number[];
  dropout: number[];
}

export interface SweepRow {
  index: number;
  hidden: number[];
  learningRate: number;
  dropout: number;
  /** validation accuracy at the kept (best) epoch */
  valAccuracy: number;
  trainAccuracy: number;
  testAccuracy: number;
  epochs: number;
  bestEpoch: number;
  seconds: number;
}

/** Sweep tables are stored result records of this kind (src/lib/resultRecords.ts). */
export const SWEEP_KIND = 'sweep';

/** A stored sweep: the grid, what it trained on, its rows, and whether it ran to the end. */
export interface SweepValue {
  grid: { hidden: string; learningRates: string; dropouts: string };
  trainedOn: string;
  datasetName: string;
  /** the MLP settings every configuration shared (epochs, batch size, seed, …) */
  base: MlpSettings;
  configCount: number;
  rows: SweepRow[];
  complete: boolean;
}
export type SweepRecord = ResultRecord<SweepValue>;

export type SweepSortKey = 'index' | 'valAccuracy' | 'testAccuracy' | 'epochs' | 'seconds';

/** Every combination, hidden sizes varying slowest; everything else from `base`. */
export function sweepConfigs(grid: SweepGrid, base: MlpSettings): MlpSettings[] {
  const out: MlpSettings[] = [];
  for (const hidden of grid.hidden) for (const learningRate of grid.learningRate) for (const dropout of grid.dropout) out.push({ ...base, hidden, learningRate, dropout });
  return out;
}

/** "0.001, 3e-4" → numbers; a clear message naming the field and the bad entry otherwise. */
export function parseNumberList(text: string, field: string, check: (v: number) => boolean, rule: string): number[] {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new Error(`${field}: give at least one value`);
  return parts.map((p) => {
    const v = Number(p);
    if (!Number.isFinite(v) || !check(v)) throw new Error(`${field}: "${p}" is not ${rule}`);
    return v;
  });
}

/** "512; 256-128; linear" → [[512], [256, 128], []]: layers within a config joined by '-', configs by ';'. */
export function parseHiddenList(text: string): number[][] {
  const configs = text.split(';').map((p) => p.trim()).filter(Boolean);
  if (configs.length === 0) throw new Error('Sweep hidden sizes: give at least one, e.g. "512; 256-128"');
  return configs.map((config) => {
    if (config === 'linear' || config === '0') return [];
    return config.split(/[-x\s]+/).map((unit) => {
      const v = Number(unit);
      if (!Number.isInteger(v) || v < 1) throw new Error(`Sweep hidden sizes: "${config}" is not a list of whole numbers ≥ 1 joined by '-'`);
      return v;
    });
  });
}

export function sweepRow(index: number, result: TrainResult): SweepRow {
  const best = result.history[result.bestEpoch - 1];
  return {
    index,
    hidden: result.settings.hidden,
    learningRate: result.settings.learningRate,
    dropout: result.settings.dropout,
    valAccuracy: best?.valAcc ?? NaN,
    trainAccuracy: result.trainAccuracy,
    testAccuracy: result.test.accuracy,
    epochs: result.history.length,
    bestEpoch: result.bestEpoch,
    seconds: result.seconds,
  };
}

/** Sorted copy; NaN (no validation split) sorts last either way. */
export function sortSweepRows(rows: SweepRow[], key: SweepSortKey, descending: boolean): SweepRow[] {
  return [...rows].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
    return descending ? y - x : x - y;
  });
}
