/** App-wide facts the status bar shows: the compute backend really in use and the browser storage used. */
import { create } from 'zustand';
import { detectCompute, type BackendInUse, type ComputeCapabilities } from '../lib/compute';

interface StatusState {
  caps?: ComputeCapabilities;
  /** set by whichever capability created a session last, with what it is used for */
  inUse?: BackendInUse & { usedBy: string };
  storage?: { usage: number; quota: number };
  detect(): Promise<void>;
  refreshStorage(): Promise<void>;
  reportBackend(usedBy: string, backend: BackendInUse): void;
}

export const useStatusStore = create<StatusState>((set) => ({
  async detect() {
    set({ caps: await detectCompute() });
  },
  async refreshStorage() {
    const estimate = await navigator.storage?.estimate?.();
    if (estimate) set({ storage: { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0 } });
  },
  reportBackend(usedBy, backend) {
    set({ inUse: { ...backend, usedBy } });
  },
}));
