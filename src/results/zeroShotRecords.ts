/** The stored zero-shot scores as rows of the Results table reads them (ZeroShotEntry), kept in step with the store. */
import { create } from 'zustand';
import { describeZeroShot, ZERO_SHOT_KIND, type StoredZeroShot } from '../embed/store';
import { listResults, onResultsChanged } from '../lib/resultRecords';
import type { ZeroShotEntry } from './resultsTable';

interface ZeroShotState {
  zeroShots: ZeroShotEntry[];
  load(): Promise<void>;
}

/** Stored zero-shot scores, read again whenever a result record changes (in this tab or another). */
export const useZeroShotRecords = create<ZeroShotState>((set) => ({
  zeroShots: [],
  async load() {
    const records = await listResults<StoredZeroShot>(ZERO_SHOT_KIND);
    set({
      zeroShots: records.map((r) => ({
        id: r.id,
        datasetId: r.datasetId,
        createdAt: r.createdAt,
        test: r.value.result.evaluation.accuracy,
        testImages: r.value.result.scored,
        rep: r.value.of.rep,
        settings: describeZeroShot(r.value.result, r.value.of),
        seconds: r.value.of.seconds,
      })),
    });
  },
}));

let watching = false;
export function watchZeroShots() {
  if (watching) return;
  watching = true;
  onResultsChanged(() => void useZeroShotRecords.getState().load());
  void useZeroShotRecords.getState().load();
}
