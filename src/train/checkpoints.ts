/**
 * Epoch checkpoints of a training job, worker side: the slot a classifier writes its state to after every epoch and
 * reads it back from when the job goes on after a reload. Storage is runs.ts's (facet-runs, beside the runs, so a
 * saved run and the end of its checkpoint are one transaction). Writes go one at a time, newest wins: a state that
 * a newer one overtakes while it waits is never written, so a slow disk never queues up copies of the weights.
 */
import type { UseStore } from 'idb-keyval';
import type { CheckpointSlot } from './classifiers/types';
import { getCheckpoint, saveCheckpoint, type CheckpointInfo } from './runs';
import type { TrainingData } from './trainingData';

export type CheckpointIdentity = Omit<CheckpointInfo, 'epoch' | 'engine' | 'savedAt'>;

/** JSON with sorted keys: settings restored from localStorage may list their fields in another order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));

/** The slot of job `identity.key`; `db` is the runs' store unless a test gives its own. */
export function checkpointSlot<C>(identity: CheckpointIdentity, db?: UseStore): CheckpointSlot<C> {
  let tail: Promise<unknown> = Promise.resolve();
  let latest: unknown;
  return {
    async load() {
      const stored = await getCheckpoint<C>(identity.key, db);
      if (!stored) return undefined;
      const { info } = stored;
      const same = info.classifier === identity.classifier && info.datasetId === identity.datasetId && canonical(info.features) === canonical(identity.features) && canonical(info.settings) === canonical(identity.settings);
      if (!same) throw new Error(`The checkpoint of epoch ${info.epoch} was made for other data or settings than this run: train again`);
      return { state: stored.state, epoch: info.epoch };
    },
    save(state, epoch, engine) {
      latest = state;
      const written = tail.then(async () => {
        if (latest !== state) return false;
        await saveCheckpoint({ ...identity, epoch, engine, savedAt: new Date().toISOString() }, state, db);
        return true;
      });
      tail = written.catch(() => undefined);
      return written;
    },
    async flush() {
      await tail;
    },
  };
}

/**
 * What a checkpoint's state depends on besides the settings: which dataset rows have features, their labels, the
 * feature size and the training rows. Embedding may go on after a reload (more rows get vectors): a checkpoint of
 * a run on fewer rows must not be continued on more. FNV-1a, as hex.
 */
export function trainingFingerprint(data: Pick<TrainingData, 'dim' | 'rows' | 'labels' | 'train'>): string {
  let hash = 0x811c9dc5;
  const mix = (value: number) => {
    for (let shift = 0; shift < 32; shift += 8) hash = Math.imul(hash ^ ((value >>> shift) & 0xff), 0x01000193);
  };
  mix(data.dim);
  mix(data.rows.length);
  for (const r of data.rows) mix(r);
  for (let i = 0; i < data.labels.length; i++) mix(data.labels[i]);
  mix(data.train.length);
  for (const t of data.train) mix(t);
  return `${(hash >>> 0).toString(16).padStart(8, '0')}-${data.rows.length}`;
}
