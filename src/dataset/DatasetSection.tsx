import { useFileDrop } from '../app/useFileDrop';
import { useDeferredValue, useEffect, useRef, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Section } from '../app/Section';
import { DatasetSummary } from './DatasetSummary';
import { FaceBrowser } from './FaceBrowser';
import { activeManifest, useDatasetStore } from './store';

/**
 * The Dataset section. Each part subscribes to the slice of the store it shows (selectors), so an import's
 * progress tick re-renders the frame's status line, not the controls, the summary or the face grid.
 */
export function DatasetSection() {
  const init = useDatasetStore((s) => s.init);
  useEffect(() => {
    void init();
  }, [init]);
  return (
    <DatasetFrame>
      <DatasetControls />
      <ActiveDataset />
    </DatasetFrame>
  );
}

/** The section frame: the only part that follows the status; its children are elements made once. */
function DatasetFrame({ children }: { children: ReactNode }) {
  const status = useDatasetStore((s) => s.status);
  const cancel = useDatasetStore((s) => s.cancel);
  const hasActive = useDatasetStore((s) => Boolean(activeManifest(s)));
  return (
    <Section id="dataset" step={1} title="Dataset" status={status} onCancel={cancel} next={hasActive ? 'the Embed section (step 2) turns these faces into CLIP embeddings.' : 'import a FER2013 archive.'}>
      {children}
    </Section>
  );
}

function DatasetControls() {
  const working = useDatasetStore((s) => s.status.kind === 'working');
  const active = useDatasetStore(activeManifest);
  const { datasets, activeId, importFile, select, remove } = useDatasetStore(
    useShallow((s) => ({ datasets: s.datasets, activeId: s.activeId, importFile: s.importFile, select: s.select, remove: s.remove })),
  );
  return (
    <>
      <DropZone disabled={working} onFile={(file) => void importFile(file)} compact={Boolean(active)} />
      {datasets.length > 0 && (
        <div className="controls-row">
          <label>
            Stored datasets
            <select value={activeId} onChange={(e) => select(e.target.value)} disabled={working}>
              {datasets.map((d) => (
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
                if (confirm(`Delete “${active.name}” and its ${active.count.toLocaleString('en-US')} faces from this browser?`)) void remove(active.id);
              }}
            >
              Delete dataset
            </button>
          )}
        </div>
      )}
    </>
  );
}

function ActiveDataset() {
  const active = useDatasetStore(activeManifest);
  const revision = useDatasetStore((s) => s.revision);
  // The summary and the face grid render as a deferred (time-sliced) update, so finishing an import never blocks
  // the main thread for one long task.
  const shown = useDeferredValue(active);
  if (!shown) return null;
  return (
    <>
      <DatasetSummary manifest={shown} />
      <FaceBrowser manifest={shown} revision={revision} />
    </>
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
