import { Section } from '../app/Section';
import { useClassifyStore } from './store';

export function ClassifySection() {
  const status = useClassifyStore((s) => s.status);
  return <Section id="classify" step={5} title="Classify" status={status} next="needs a trained classifier (or CLIP zero-shot) first." />;
}
