import type { SectionStatus } from '../app/sectionStatus';
import { formatProgress } from '../lib/progress';

/** Status line and progress bar of a panel inside a section (the forest, the sweep), in the Section frame's style. */
export function ProgressLine({ status, label, onCancel }: { status: SectionStatus; label: string; onCancel: () => void }) {
  if (status.kind === 'error')
    return (
      <p role="alert" className="error">
        {status.message}
      </p>
    );
  const progress = status.kind === 'working' ? status.progress : undefined;
  const percent = status.kind === 'working' ? (status.percent ?? (progress && progress.total > 0 ? (100 * progress.done) / progress.total : undefined)) : undefined;
  return (
    <>
      <p role="status" className="status-line">
        {status.message}
      </p>
      {status.kind === 'working' && (
        <div className="progress-row">
          <div
            role="progressbar"
            aria-label={label}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent === undefined ? undefined : Math.round(percent)}
            aria-valuetext={progress ? formatProgress(progress) : status.message}
            className="progress"
          >
            <div className="progress-fill" style={{ width: `${percent ?? 0}%` }} />
          </div>
          <span className="progress-text">{progress ? formatProgress(progress) : status.message}</span>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      )}
    </>
  );
}
