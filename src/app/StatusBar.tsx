import { useEffect, useState } from 'react';
import { StoragePanel } from '../notebook/StoragePanel';
import { describeBackend } from '../lib/compute';
import { formatBytes } from '../lib/progress';
import { useStatusStore } from './statusStore';

export function StatusBar() {
  const { caps, inUse, storage, detect, refreshStorage } = useStatusStore();
  const [storageOpen, setStorageOpen] = useState(false);
  useEffect(() => {
    void detect();
    void refreshStorage();
    const timer = setInterval(() => void refreshStorage(), 10_000);
    return () => clearInterval(timer);
  }, [detect, refreshStorage]);

  let compute = 'Detecting compute backend…';
  if (inUse) compute = `${describeBackend(inUse)} (in use by ${inUse.usedBy})`;
  else if (caps) {
    const gpu = caps.webgpu ? `WebGPU available · ${caps.webgpu.adapter}${caps.webgpu.software ? ' (software)' : ''}` : 'no WebGPU';
    compute = `WASM · ${caps.wasmThreads} thread${caps.wasmThreads === 1 ? '' : 's'} available · ${gpu}`;
  }
  return (
    <footer className="status-bar" aria-label="Status">
      <span data-testid="compute-backend">Compute: {compute}</span>
      {inUse?.fallbackReason && <span className="warn">{inUse.fallbackReason}</span>}
      {caps && !caps.crossOriginIsolated && <span className="warn">Not cross-origin isolated: WASM runs single-threaded</span>}
      <span data-testid="storage">
        Storage: {storage ? `${formatBytes(storage.usage)} used of ${formatBytes(storage.quota)}` : 'unknown'}
      </span>
      <button type="button" className="secondary" onClick={() => setStorageOpen(true)}>
        Manage storage
      </button>
      <StoragePanel open={storageOpen} onClose={() => setStorageOpen(false)} />
      <span>Private: faces and embeddings stay in this browser</span>
    </footer>
  );
}
