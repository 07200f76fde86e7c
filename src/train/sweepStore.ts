/** Hyperparameter sweep state: the grid as typed, the rows as configurations finish, sorting, progress, cancel. */
import { create } from 'zustand';
import { empty, type SectionStatus } from '../app/sectionStatus';
import { ProgressTracker } from '../lib/progress';
import { trainingInput } from './trainingInput';
import { isCancelled } from '../lib/rpc';
import { useTrainStore } from './store';
import { parseHiddenList, parseNumberList, sweepConfigs, type SweepRow, type SweepSortKey } from './sweep';
import { startTrainWorker, type TrainWorker } from './trainWorker';

interface SweepState {
  hidden: string;
  learningRates: string;
  dropouts: string;
  status: SectionStatus;
  rows: SweepRow[];
  /** what the rows were trained on, for the caption */
  trainedOn?: string;
  sortKey: SweepSortKey;
  descending: boolean;
  setGrid(grid: Partial<Pick<SweepState, 'hidden' | 'learningRates' | 'dropouts'>>): void;
  sortBy(key: SweepSortKey): void;
  run(): Promise<void>;
  stop(): void;
}

let worker: TrainWorker | undefined;
let running: AbortController | undefined;

export const useSweepStore = create<SweepState>((set, get) => ({
  hidden: '256; 512',
  learningRates: '0.001, 0.0003',
  dropouts: '0.2, 0.5',
  status: empty('No sweep yet. Each combination trains with the MLP settings above (epochs, batch size, seed, early stopping).'),
  rows: [],
  sortKey: 'valAccuracy',
  descending: true,

  setGrid(grid) {
    set(grid);
  },

  sortBy(key) {
    set((s) => ({ sortKey: key, descending: s.sortKey === key ? !s.descending : key !== 'seconds' && key !== 'index' }));
  },

  async run() {
    const { features, settings } = useTrainStore.getState();
    const input = trainingInput(features, 'sweep on raw pixels');
    if (!input.ok) return set({ status: { kind: 'error', message: input.message } });
    let configs;
    try {
      const s = get();
      const grid = {
        hidden: parseHiddenList(s.hidden),
        learningRate: parseNumberList(s.learningRates, 'Sweep learning rates', (v) => v > 0, 'a positive number'),
        dropout: parseNumberList(s.dropouts, 'Sweep dropouts', (v) => v >= 0 && v < 1, 'from 0 to below 1'),
      };
      configs = sweepConfigs(grid, settings);
    } catch (error) {
      return set({ status: { kind: 'error', message: (error as Error).message } });
    }
    running?.abort();
    const controller = new AbortController();
    running = controller;
    if (!worker || worker.crashed) worker = startTrainWorker();
    // the bar counts finished configurations, the message names the one in progress ("Configuration 2 of 8")
    const tracker = new ProgressTracker('Finished', configs.length, 'configs');
    const trainedOn = input.features.kind === 'clip' ? `CLIP ${input.features.rep.model}` : 'raw pixels';
    set({ rows: [], trainedOn, status: { kind: 'working', message: `Starting a sweep of ${configs.length} configurations…` } });
    // Progress travels on its own port: a late update must not undo the final state.
    let settled = false;
    const describe = (i: number) => `${configs[i].hidden.join('-') || 'linear'}, lr ${configs[i].learningRate}, dropout ${configs[i].dropout}`;
    try {
      const rows = await worker.sweep(
        { datasetId: input.datasetId, features: input.features, configs },
        {
          signal: controller.signal,
          onProgress: (p) => {
            if (settled) return;
            if (p.type === 'row') return set((s) => ({ rows: [...s.rows, p.row] }));
            const done = get().rows.length;
            const epochShare = p.type === 'epoch' ? p.epoch / p.epochs : 0;
            set({
              status: {
                kind: 'working',
                progress: tracker.update(done),
                percent: (100 * (p.index + epochShare)) / configs.length,
                message: `Configuration ${p.index + 1} of ${configs.length} (${describe(p.index)})${p.type === 'epoch' ? ` · epoch ${p.epoch} of at most ${p.epochs}` : ''}`,
              },
            });
          },
        },
      );
      settled = true;
      // The returned rows are the complete list, whichever row updates arrived.
      set({ rows });
      const best = [...rows].sort((a, b) => b.valAccuracy - a.valAccuracy)[0];
      set({ status: { kind: 'done', message: `Swept ${configs.length} configurations on ${trainedOn}; best validation accuracy ${(100 * best.valAccuracy).toFixed(2)}% (${describe(best.index)}).` } });
    } catch (error) {
      settled = true;
      const kept = get().rows.length;
      set({
        status: isCancelled(error)
          ? { kind: 'empty', message: `Sweep cancelled after ${kept} of ${configs.length} configurations; their rows are kept below.` }
          : { kind: 'error', message: (error as Error).message },
      });
    } finally {
      if (running === controller) running = undefined;
    }
  },

  stop() {
    running?.abort();
  },
}));
