import type { ReactNode } from 'react';
import { formatProgress } from '../lib/progress';
import type { SectionStatus } from '../lib/sectionStatus';

const BADGE: Record<SectionStatus['kind'], string> = { empty: 'Not started', working: 'Working', done: 'Done', error: 'Error' };

/** The frame every notebook section shares: landmark, heading, state, progress, errors and the next step. */
export function Section(props: {
  id: string;
  step: number;
  title: string;
  status: SectionStatus;
  next?: string;
  onCancel?: () => void;
  children?: ReactNode;
}) {
  const { id, step, title, status, next, onCancel, children } = props;
  const headingId = `${id}-title`;
  return (
    <section id={id} className="section" aria-labelledby={headingId} data-state={status.kind}>
      <header className="section-head">
        <h2 id={headingId}>
          <span className="step">{step}</span> {title}
        </h2>
        <span className={`badge badge-${status.kind}`}>{BADGE[status.kind]}</span>
      </header>
      <StatusLine status={status} label={`${title} progress`} onCancel={onCancel} />
      {next && status.kind !== 'working' && <p className="next">Next: {next}</p>}
      {children}
    </section>
  );
}

/** A status line (or an alert with its retry) and, while working, the progress bar: sections and their panels. */
export function StatusLine({ status, label, onCancel }: { status: SectionStatus; label: string; onCancel?: () => void }) {
  return (
    <>
      {status.kind === 'error' ? (
        <p role="alert" className="error">
          {status.message}
          {status.retry && (
            <>
              {' '}
              <button type="button" onClick={status.retry.action}>
                {status.retry.label}
              </button>
            </>
          )}
        </p>
      ) : (
        <p role="status" className="status-line">
          {status.message}
        </p>
      )}
      {status.kind === 'working' && <ProgressBar status={status} label={label} onCancel={onCancel} />}
    </>
  );
}

function ProgressBar({ status, label, onCancel }: { status: Extract<SectionStatus, { kind: 'working' }>; label: string; onCancel?: () => void }) {
  const { progress } = status;
  const percent = status.percent ?? (progress && progress.total > 0 ? (100 * progress.done) / progress.total : undefined);
  const text = progress ? formatProgress(progress) : status.message;
  return (
    <div className="progress-row">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent === undefined ? undefined : Math.round(percent)}
        aria-valuetext={text}
        className="progress"
      >
        <div className="progress-fill" style={{ width: `${percent ?? 0}%` }} />
      </div>
      {text !== status.message && <span className="progress-text">{text}</span>}
      {onCancel && (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  );
}
