import { Section } from '../app/Section';
import { useTrainStore } from './store';

export function TrainSection() {
  const status = useTrainStore((s) => s.status);
  return <Section id="train" step={3} title="Train" status={status} next="needs embeddings: load CLIP and embed the dataset first." />;
}
