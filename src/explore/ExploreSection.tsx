import { Section } from '../app/Section';
import { useExploreStore } from './store';

export function ExploreSection() {
  const status = useExploreStore((s) => s.status);
  return <Section id="explore" step={4} title="Explore" status={status} next="needs embeddings of the dataset and of the emotion prompts." />;
}
