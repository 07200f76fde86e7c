import { useEffect, useRef } from 'react';
import { formatBytes } from '../lib/progress';
import { storageGroups } from './storageInventory';
import { useStorageStore } from './store';

/** A dialog listing everything Facet keeps in this browser, with sizes, each deletable. */
export function StoragePanel({ open, onClose }: { open: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const { items, persisted, message, busy, refresh, remove, requestPersistence } = useStorageStore();

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      element.showModal();
      // What the last opening listed may be gone (a run saved its checkpoint away since): read afresh, never show it as now.
      useStorageStore.setState({ items: undefined });
      void refresh();
    } else if (!open && element.open) element.close();
  }, [open, refresh]);

  return (
    <dialog ref={dialog} className="storage-panel" aria-labelledby="storage-title" onClose={onClose}>
      <h2 id="storage-title">Stored in this browser</h2>
      <p>
        Everything below lives only in this browser’s storage.{' '}
        {persisted === undefined ? '' : persisted ? 'Storage is persistent: the browser will not evict it.' : 'Storage is not persistent: the browser may evict it when the disk is nearly full.'}{' '}
        {persisted === false && (
          <button type="button" className="secondary" onClick={() => void requestPersistence()}>
            Ask to keep data persistently
          </button>
        )}
      </p>
      {message && <p role="status">{message}</p>}
      {!items && <p>Reading what is stored…</p>}
      {items &&
        storageGroups(items).map(([kind, title]) => {
          const group = items.filter((i) => i.kind === kind);
          const total = group.reduce((sum, i) => sum + i.bytes, 0);
          return (
            <section key={kind} aria-label={title}>
              <h3>
                {title} <span className="muted">({group.length ? formatBytes(total) : 'none'})</span>
              </h3>
              {group.length > 0 && (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Details</th>
                      <th scope="col">Size</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {group.map((item) => (
                      <tr key={item.key}>
                        <td>{item.name}</td>
                        <td className="muted">{item.detail}</td>
                        <td className="number">{formatBytes(item.bytes)}</td>
                        <td>
                          <button type="button" className="secondary" disabled={busy} aria-label={`Delete ${item.name}`} onClick={() => void remove(item)}>
                            Delete
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          );
        })}
      <button type="button" onClick={onClose}>
        Close
      </button>
    </dialog>
  );
}
