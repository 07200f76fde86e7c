import type { Caveat } from '../lib/comparability';

/**
 * A result's caveats as badges beside it (Results rows, saved runs): "Subset", "Test model". The sentence saying why
 * is the badge's description, for the pointer (title) and for screen readers (visually hidden text).
 */
export function CaveatBadges({ caveats }: { caveats: readonly Caveat[] | undefined }) {
  if (!caveats?.length) return null;
  return (
    <span className="caveats">
      {caveats.map((c) => (
        <span key={c.kind} className="badge badge-caveat" data-caveat={c.kind} title={c.detail}>
          {c.label}
          <span className="visually-hidden">: {c.detail}</span>
        </span>
      ))}
    </span>
  );
}
