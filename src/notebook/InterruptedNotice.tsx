import { aftermathOf, useSessionStore } from './startSession';

/** Says which work the last session was doing when the page closed, and what of it was kept. */
export function InterruptedNotice() {
  const { interrupted, dismiss } = useSessionStore();
  if (interrupted.length === 0) return null;
  return (
    <aside className="interrupted" aria-label="Interrupted work">
      <p>
        <strong>The page was closed or reloaded while work was running.</strong>
      </p>
      <ul>
        {interrupted.map((job) => (
          <li key={job.section}>
            {job.section}: stopped at “{job.message}” (started {new Date(job.since).toLocaleTimeString()}). {aftermathOf(job)}
          </li>
        ))}
      </ul>
      <button type="button" className="secondary" onClick={dismiss}>
        Dismiss
      </button>
    </aside>
  );
}
