/**
 * Hyperparameter sweep state: the grid as typed, the rows as configurations finish, sorting, progress, cancel.
 * Each sweep's table is a stored record (src/lib/resultRecords.ts, kind 'sweep'), so it is restored after a reload,
 * appears in the report and the storage panel, and can be deleted there.
 */
import { create } from 'zustand';
import { createJobSlice, type JobSlice } from '../lib/jobs/jobSlice';
import { deleteResult, listResults, saveResult } from '../lib/resultRecords';
import { announceChange, onOtherTabChange } from '../lib/tabs';
import { backboneName } from './featureNames';
import type { MlpSettings } from './mlpSettings';
import { useTrainStore } from './store';
import { parseHiddenList, parseNumberList, SWEEP_KIND, sweepConfigs, type SweepRecord, type SweepRow, type SweepSortKey, type SweepValue } from './sweep';

export { SWEEP_KIND } from './sweep';
import { trainingInput } from './trainingInput';
import { trainWorker } from './trainWorker';
import type { Features } from './types';

interface SweepState extends JobSlice {
  hidden: string;
  learningRates: string;
  dropouts: string;
  rows: SweepRow[];
  /** what the rows were trained on, for the caption */
  trainedOn?: string;
  /** the stored sweep shown, if the rows are one */
  shownId?: string;
  sweeps: SweepRecord[];
  sortKey: SweepSortKey;
  descending: boolean;
  init(): Promise<void>;
  setGrid(grid: Partial<Pick<SweepState, 'hidden' | 'learningRates' | 'dropouts'>>): void;
  sortBy(key: SweepSortKey): void;
  run(): Promise<void>;
  show(id: string): void;
  remove(id: string): Promise<void>;
}

const describeConfig = (c: { hidden: number[]; learningRate: number; dropout: number }) => `${c.hidden.join('-') || 'linear'}, lr ${c.learningRate}, dropout ${c.dropout}`;
const bestRow = (rows: SweepRow[]) => [...rows].sort((a, b) => b.valAccuracy - a.valAccuracy)[0];

export const sweepSummary = (value: SweepValue) => {
  const best = bestRow(value.rows);
  const what = value.complete ? `Swept ${value.configCount} configurations` : `Sweep of ${value.configCount} configurations, stopped after ${value.rows.length}`;
  return `${what} on ${value.trainedOn}${best ? `; best validation accuracy ${(100 * best.valAccuracy).toFixed(2)}% (${describeConfig(best)})` : ''}.`;
};

let initialized = false;

export const useSweepStore = create<SweepState>((set, get) => {
  const job = createJobSlice(set, {
    idle: 'No sweep yet. Each combination trains with the MLP settings above (epochs, batch size, seed, early stopping).',
    pause: (jobId, paused) => trainWorker().setPaused({ jobId, paused }),
  });
  const list = () => listResults<SweepValue>(SWEEP_KIND);
  /** Stores the rows a sweep finished (all of them, or those before a cancel). */
  const store = async (record: SweepRecord) => {
    await saveResult(record);
    announceChange('results');
    set((s) => ({ sweeps: [...s.sweeps.filter((r) => r.id !== record.id), record], shownId: record.id }));
  };
  return {
    ...job.slice,
    hidden: '256; 512',
    learningRates: '0.001, 0.0003',
    dropouts: '0.2, 0.5',
    rows: [],
    sweeps: [],
    sortKey: 'valAccuracy',
    descending: true,

    async init() {
      if (initialized) return;
      initialized = true;
      onOtherTabChange('results', () => void list().then((sweeps) => set({ sweeps })));
      const sweeps = await list();
      const last = sweeps.at(-1);
      if (last && get().status.kind !== 'working') {
        set({ sweeps, shownId: last.id, rows: last.value.rows, trainedOn: last.value.trainedOn, status: { kind: 'done', message: `Restored: ${sweepSummary(last.value)}` } });
      } else set({ sweeps });
    },

    setGrid(grid) {
      set(grid);
    },

    sortBy(key) {
      set((s) => ({ sortKey: key, descending: s.sortKey === key ? !s.descending : key !== 'seconds' && key !== 'index' }));
    },

    async run() {
      const { features, settings } = useTrainStore.getState();
      const grid = { hidden: get().hidden, learningRates: get().learningRates, dropouts: get().dropouts };
      type Input = { datasetId: string; datasetName: string; features: Features; configs: MlpSettings[] };
      let partial: SweepValue | undefined;
      let identity: { id: string; datasetId: string; createdAt: string } | undefined;
      const record = (value: SweepValue): SweepRecord => ({ kind: SWEEP_KIND, ...identity!, title: sweepSummary(value), value });
      await job.runner.start<Input, SweepRow[]>({
        prepare: async (wait) => {
          let configs: MlpSettings[];
          try {
            configs = sweepConfigs(
              {
                hidden: parseHiddenList(grid.hidden),
                learningRate: parseNumberList(grid.learningRates, 'Sweep learning rates', (v) => v > 0, 'a positive number'),
                dropout: parseNumberList(grid.dropouts, 'Sweep dropouts', (v) => v >= 0 && v < 1, 'from 0 to below 1'),
              },
              settings,
            );
          } catch (error) {
            // The grid as typed is wrong: only an edit fixes it, not a retry.
            return { ok: false, message: (error as Error).message, retry: false };
          }
          const input = await trainingInput(features, 'sweep on raw pixels', wait);
          return input.ok ? { ok: true, value: { ...input, configs } } : { ok: false, message: input.message };
        },
        starting: 'Starting the sweep…',
        run: (input, running) => {
          const { configs } = input;
          const trainedOn = input.features.kind === 'clip' ? `${backboneName(input.features.rep)} ${input.features.rep.model}` : 'raw pixels';
          identity = { id: running.id, datasetId: input.datasetId, createdAt: new Date().toISOString() };
          partial = { grid, trainedOn, datasetName: input.datasetName, base: settings, configCount: configs.length, rows: [], complete: false };
          set({ rows: [], trainedOn, shownId: undefined });
          running.working(`Starting a sweep of ${configs.length} configurations…`);
          // The bar counts finished configurations; the message names the one in progress ("Configuration 2 of 8").
          const tracker = running.tracker('Finished', configs.length, 'configs');
          return trainWorker().sweep(
            { jobId: running.id, datasetId: input.datasetId, features: input.features, configs },
            {
              signal: running.signal,
              onProgress: running.guard((p) => {
                if (p.type === 'row') {
                  partial!.rows.push(p.row);
                  // Stored row by row: a reload part-way keeps the configurations that finished.
                  void store(record({ ...partial!, rows: [...partial!.rows] }));
                  return set((s) => ({ rows: [...s.rows, p.row] }));
                }
                const epochShare = p.type === 'epoch' ? p.epoch / p.epochs : 0;
                running.working(`Configuration ${p.index + 1} of ${configs.length} (${describeConfig(configs[p.index])})${p.type === 'epoch' ? ` · epoch ${p.epoch} of at most ${p.epochs}` : ''}`, {
                  progress: tracker.update(get().rows.length),
                  percent: (100 * (p.index + epochShare)) / configs.length,
                });
              }),
            },
          );
        },
        done: (rows) => {
          // The returned rows are the complete list, whichever row updates arrived.
          const value: SweepValue = { ...partial!, rows, complete: true };
          set({ rows });
          void store(record(value));
          return sweepSummary(value);
        },
        cancelled: () => {
          if (!partial) return 'The sweep was cancelled before it started.';
          const kept = partial.rows.length;
          return `Sweep cancelled after ${kept} of ${partial.configCount} configurations; their rows are kept below.`;
        },
      });
    },

    show(id) {
      const record = get().sweeps.find((r) => r.id === id);
      if (record) set({ shownId: id, rows: record.value.rows, trainedOn: record.value.trainedOn, status: { kind: 'done', message: sweepSummary(record.value) } });
    },

    async remove(id) {
      await deleteResult(SWEEP_KIND, id);
      announceChange('results');
      set((s) => ({ sweeps: s.sweeps.filter((r) => r.id !== id), ...(s.shownId === id ? { shownId: undefined, rows: [], trainedOn: undefined } : {}) }));
    },
  };
});
