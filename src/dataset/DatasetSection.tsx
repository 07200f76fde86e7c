import { useFileDrop } from '../app/useFileDrop';
import { useDeferredValue, useEffect, useRef } from 'react';
import { Section } from '../app/Section';
import { DatasetSummary } from './DatasetSummary';
import { FaceBrowser } from './FaceBrowser';
import { activeManifest, useDatasetStore } from './store';

export function DatasetSection() {
  const s = useDatasetStore();
  const { init } = s;
  const active = activeManifest(s);
  // The summary and the face grid render as a deferred (time-sliced) update, so finishing an import never blocks
  // the main thread for one long task.
  const shown = useDeferredValue(active);
  const working = s.status.kind === 'working';
  useEffect(() => {
    void init();
  }, [init]);

  return (
    <Section
      id="dataset"
      step={1}
      title="Dataset"
      status={s.status}
      onCancel={s.cancel}
      next={active ? 'the Embed section (step 2) turns these faces into CLIP embeddings.' : 'import a FER2013 archive.'}
    >
      <DropZone disabled={working} onFile={(file) => void s.importFile(file)} compact={Boolean(active)} />
      {s.datasets.length > 0 && (
        <div className="controls-row">
          <label>
            Stored datasets
            <select value={s.activeId} onChange={(e) => s.select(e.target.value)} disabled={working}>
              {s.datasets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} · {d.count.toLocaleString('en-US')} faces · {d.id.slice(0, 8)}
                </option>
              ))}
            </select>
          </label>
          {active && (
            <button
              type="button"
              className="secondary"
              disabled={working}
              onClick={() => {
                if (confirm(`Delete “${active.name}” and its ${active.count.toLocaleString('en-US')} faces from this browser?`)) void s.remove(active.id);
              }}
            >
              Delete dataset
            </button>
          )}
        </div>
      )}
      {shown && <DatasetSummary manifest={shown} />}
      {shown && <FaceBrowser manifest={shown} revision={s.revision} />}
    </Section>
  );
}

function DropZone({ onFile, disabled, compact }: { onFile: (file: File) => void; disabled: boolean; compact: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const { over, handlers } = useFileDrop(onFile, disabled);
  return (
    <div className={`dropzone${over ? ' over' : ''}${compact ? ' compact' : ''}`} data-testid="dataset-dropzone" {...handlers}>
      <p>
        Drop <strong>fer2013.zip</strong> (train/ and test/ folders of emotion folders) or <strong>fer2013.csv</strong> here, or{' '}
        <button type="button" onClick={() => input.current?.click()} disabled={disabled}>
          choose a file
        </button>
      </p>
      <input
        ref={input}
        type="file"
        accept=".zip,.csv,application/zip,text/csv"
        aria-label="FER2013 archive or CSV"
        hidden
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) onFile(file);
        }}
      />
      <p className="hint">Decoded in this browser and kept in its storage. Nothing is uploaded.</p>
    </div>
  );
}
