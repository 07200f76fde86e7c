/** Train section state. */
import { create } from 'zustand';
import { empty, type SectionStatus } from '../app/sectionStatus';

interface TrainState {
  status: SectionStatus;
}

export const useTrainStore = create<TrainState>(() => ({
  status: empty('No classifier trained yet. An MLP and a random forest train here on CLIP embeddings or raw pixels, as in the paper.'),
}));
