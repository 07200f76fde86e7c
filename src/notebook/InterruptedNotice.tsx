import { useTrainStore } from '../train/store';
import { aftermathOf, useSessionStore } from './startSession';

/**
 * Says which work the last session was doing when the page closed, and what of it was kept; an MLP run with a
 * stored checkpoint is offered to go on from it.
 */
export function InterruptedNotice() {
  const { interrupted, dismiss, settle } = useSessionStore();
  const checkpoint = useTrainStore((s) => s.checkpoint);
  const continueRun = useTrainStore((s) => s.continueRun);
  if (interrupted.length === 0) return null;
  return (
    <aside className="interrupted" aria-label="Interrupted work">
      <p>
        <strong>The page was closed or reloaded while work was running.</strong>
      </p>
      <ul>
        {interrupted.map((job) => (
          <li key={job.section}>
            {job.section}: stopped at “{job.message}” (started {new Date(job.since).toLocaleTimeString()}).{' '}
            {job.section === 'Train' && checkpoint ? (
              <>
                Its {checkpoint.epoch} finished epoch{checkpoint.epoch === 1 ? ' is' : 's are'} kept in a checkpoint: continuing gives the model an
                uninterrupted run with the same seed gives.{' '}
                <button
                  type="button"
                  onClick={() => {
                    settle(job.section);
                    void continueRun();
                  }}
                >
                  Continue from epoch {checkpoint.epoch}
                </button>
              </>
            ) : (
              aftermathOf(job)
            )}
          </li>
        ))}
      </ul>
      <button type="button" className="secondary" onClick={dismiss}>
        Dismiss
      </button>
    </aside>
  );
}
