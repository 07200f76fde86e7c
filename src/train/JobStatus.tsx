import type { StoreApi, UseBoundStore } from 'zustand';
import { StatusLine } from '../app/Section';
import type { JobSlice } from '../lib/jobs/jobSlice';

/**
 * A panel's job status (message, progress bar with Cancel, alert with Try again) and its Pause / Resume button.
 * Only this component subscribes to the job's status, so a progress tick re-renders the status line, not the panel.
 */
export function JobStatus<S extends JobSlice>({ useStore, label, canPause = true }: { useStore: UseBoundStore<StoreApi<S>>; label: string; canPause?: boolean }) {
  const status = useStore((s) => s.status);
  const paused = useStore((s) => s.paused);
  const stop = useStore((s) => s.stop);
  const togglePause = useStore((s) => s.togglePause);
  return (
    <>
      <StatusLine status={status} label={label} onCancel={stop} />
      {status.kind === 'working' && canPause && (
        <div className="controls-row">
          <button type="button" className="secondary" onClick={() => void togglePause()}>
            {paused ? 'Resume' : 'Pause'}
          </button>
        </div>
      )}
    </>
  );
}

/** Whether the store's job is running: a boolean selector, so components re-render only when it flips. */
export const isWorking = (s: JobSlice) => s.status.kind === 'working';
