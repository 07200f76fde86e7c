import { ClassifySection } from '../classify/ClassifySection';
import { DatasetSection } from '../dataset/DatasetSection';
import { EmbedSection } from '../embed/EmbedSection';
import { ExploreSection } from '../explore/ExploreSection';
import { ResultsSection } from '../results/ResultsSection';
import { TrainSection } from '../train/TrainSection';
import { InterruptedNotice } from '../notebook/InterruptedNotice';
import { SectionBoundary } from './SectionBoundary';
import { StatusBar } from './StatusBar';

const SECTIONS = [
  ['dataset', 'Dataset', DatasetSection],
  ['embed', 'Embed', EmbedSection],
  ['train', 'Train', TrainSection],
  ['explore', 'Explore', ExploreSection],
  ['classify', 'Classify', ClassifySection],
  ['results', 'Results', ResultsSection],
] as const;

export function App() {
  return (
    <>
      <a className="skip" href="#main">
        Skip to the notebook
      </a>
      <header className="app-header">
        <h1>Facet</h1>
        <p className="tagline">Facial-emotion recognition with CLIP, reproduced in your browser. Nothing leaves this machine.</p>
        <nav aria-label="Sections">
          <ol>
            {SECTIONS.map(([id, title]) => (
              <li key={id}>
                <a href={`#${id}`}>{title}</a>
              </li>
            ))}
          </ol>
        </nav>
      </header>
      <main id="main">
        <InterruptedNotice />
        {SECTIONS.map(([id, title, Body]) => (
          <SectionBoundary key={id} id={id} title={title}>
            <Body />
          </SectionBoundary>
        ))}
      </main>
      <StatusBar />
    </>
  );
}
