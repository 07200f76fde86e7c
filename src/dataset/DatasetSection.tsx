import { Section } from '../app/Section';
import { useDatasetStore } from './store';

export function DatasetSection() {
  const status = useDatasetStore((s) => s.status);
  return <Section id="dataset" step={1} title="Dataset" status={status} next="import a FER2013 archive." />;
}
