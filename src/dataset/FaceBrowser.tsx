import { startTransition, useEffect, useState } from 'react';
import { FaceCanvas } from '../app/FaceCanvas';
import { EMOTIONS } from '../lib/emotions';
import type { FacePage } from './browse';
import { FACE_AREA, FLAG_DUPLICATE_IN_SPLIT, FLAG_TEST_IN_TRAIN, SPLITS, SUBSETS, type FaceSetManifest } from './faceSet';
import { ingestWorker } from './store';

const PAGE = 24;

/** A page of faces of one emotion, read from storage by the ingest worker. */
export function FaceBrowser({ manifest, revision }: { manifest: FaceSetManifest; revision: number }) {
  const [label, setLabel] = useState(3);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<FacePage>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let current = true;
    ingestWorker()
      .facePage({ id: manifest.id, label, offset, count: PAGE })
      .then((p) => {
        if (!current) return;
        // 24 canvases: a transition lets React spread the work over several short tasks.
        startTransition(() => {
          setPage(p);
          setError(undefined);
        });
      })
      .catch((e: Error) => current && setError(e.message));
    return () => {
      current = false;
    };
  }, [manifest.id, label, offset, revision]);

  const total = page?.total ?? 0;
  return (
    <div className="face-browser">
      <div className="controls-row">
        <label>
          Faces of
          <select
            value={label}
            onChange={(e) => {
              setLabel(Number(e.target.value));
              setOffset(0);
            }}
          >
            {EMOTIONS.map((emotion, i) => (
              <option key={emotion} value={i}>
                {emotion}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          Previous
        </button>
        <button type="button" className="secondary" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
          Next
        </button>
        <span className="muted">
          {total ? `${offset + 1}–${Math.min(offset + PAGE, total)} of ${total.toLocaleString('en-US')}` : 'none'}
        </span>
      </div>
      {error && <p role="alert">{error}</p>}
      <ul className="face-grid" aria-label={`${EMOTIONS[label]} faces`}>
        {page?.faces.map((f, k) => {
          const notes: string[] = [SPLITS[f.split], SUBSETS[f.subset]];
          if (f.flags & FLAG_TEST_IN_TRAIN) notes.push('also in train');
          if (f.flags & FLAG_DUPLICATE_IN_SPLIT) notes.push('duplicate');
          return (
            <li key={f.index} title={`${f.sourceName}\n${notes.join(' · ')}\nid ${f.imageId}`} className={f.flags ? 'flagged' : undefined}>
              <FaceCanvas pixels={page.pixels.subarray(k * FACE_AREA, (k + 1) * FACE_AREA)} label={`${EMOTIONS[label]} face, ${notes.join(', ')}`} />
            </li>
          );
        })}
      </ul>
    </div>
  );
}
