/** Results section state. */
import { create } from 'zustand';
import { empty, type SectionStatus } from '../app/sectionStatus';

interface ResultsState {
  status: SectionStatus;
}

export const useResultsStore = create<ResultsState>(() => ({
  status: empty('No results yet. The paper’s table fills in as runs finish: raw-pixel MLP 41.40%, raw-pixel random forest 48.90%, CLIP + random forest 68.17%, CLIP + MLP 71.40%.'),
}));
