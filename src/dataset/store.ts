/** Dataset section state. */
import { create } from 'zustand';
import { empty, type SectionStatus } from '../app/sectionStatus';

interface DatasetState {
  status: SectionStatus;
}

export const useDatasetStore = create<DatasetState>(() => ({
  status: empty('No dataset yet. Facet reads the FER2013 archive (Kaggle’s train/ and test/ folders of emotion folders, or fer2013.csv); images are decoded in this browser and kept in its storage.'),
}));
