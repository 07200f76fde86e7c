import { Section } from '../app/Section';
import { useResultsStore } from './store';

export function ResultsSection() {
  const status = useResultsStore((s) => s.status);
  return <Section id="results" step={6} title="Results" status={status} next="train the classifiers in the Train section." />;
}
