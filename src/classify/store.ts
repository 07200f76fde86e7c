/** Classify section state. */
import { create } from 'zustand';
import { empty, type SectionStatus } from '../app/sectionStatus';

interface ClassifyState {
  status: SectionStatus;
}

export const useClassifyStore = create<ClassifyState>(() => ({
  status: empty('Nothing to classify yet. A photo is reduced to a 48×48 grayscale face, embedded by CLIP and classified by a trained model.'),
}));
