/** Explore section state. */
import { create } from 'zustand';
import { empty, type SectionStatus } from '../app/sectionStatus';

interface ExploreState {
  status: SectionStatus;
}

export const useExploreStore = create<ExploreState>(() => ({
  status: empty('No projection yet. t-SNE maps image and text embeddings to 2-d (the paper’s figures 6–8).'),
}));
