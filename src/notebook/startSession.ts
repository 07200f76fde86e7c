/** Wires the session (session.ts) to the sections' stores; called once, before the page renders. */
import { create } from 'zustand';
import { useClassifyStore } from '../classify/store';
import { useDatasetStore } from '../dataset/store';
import { useEmbedStore } from '../embed/store';
import { useForestStore } from '../train/forestStore';
import { useProbeStore } from '../train/probeStore';
import { useExploreStore } from '../explore/store';
import { useTrainStore } from '../train/store';
import { useSweepStore } from '../train/sweepStore';
import { useOcclusionStore } from '../train/occlusionStudy';
import { clearInterrupted, interruptedJobs, journalWork, persistFields, sessionFlag, type InterruptedJob } from './session';

/** What each section's interrupted work means for what was kept. */
const AFTERMATH: Record<string, string> = {
  Dataset: 'Nothing of that import was kept (an import is stored whole or not at all): import the file again.',
  Embed: 'Every embedding finished before then is kept: Continue embedding computes only the rest.',
  Train:
    'That run was not saved and left no checkpoint (one is stored after each finished epoch on the WASM kernel; TensorFlow.js on WebGPU keeps none); runs saved before are kept. Train again to repeat it.',
  'Random forest': 'That forest was not saved; forests saved before are kept. Grow it again to repeat it.',
  'Linear probe': 'That probe was not saved; probes saved before are kept. Fit it again to repeat it.',
  Sweep: 'The configurations it finished are kept in its stored table; the rest did not run. Run the sweep again to repeat it.',
  'Occlusion maps': 'A per-emotion study is stored only when it is complete: compute it again (same seed, same faces).',
};

export const useSessionStore = create<{ interrupted: InterruptedJob[]; dismiss(): void; settle(section: string): void }>((set, get) => ({
  interrupted: [],
  dismiss() {
    clearInterrupted(get().interrupted.map((j) => j.section));
    set({ interrupted: [] });
  },
  /** One section's interrupted work was taken up (continued): the notice no longer names it. */
  settle(section) {
    clearInterrupted([section]);
    set({ interrupted: get().interrupted.filter((j) => j.section !== section) });
  },
}));

export const aftermathOf = (job: InterruptedJob) => AFTERMATH[job.section] ?? 'What it had finished is kept.';

let started = false;
export function startSession(): void {
  if (started) return;
  started = true;
  useSessionStore.setState({ interrupted: interruptedJobs() });

  persistFields('embed', useEmbedStore, ['backboneId', 'sourceKind', 'repo', 'mirrorUrl', 'precision', 'backend', 'sampleFirst', 'ensemble', 'template', 'activeRep']);
  persistFields('train', useTrainStore, ['features', 'settings']);
  persistFields('forest', useForestStore, ['features', 'settings']);
  persistFields('probe', useProbeStore, ['features', 'settings']);
  persistFields('sweep', useSweepStore, ['hidden', 'learningRates', 'dropouts']);
  persistFields('classify', useClassifyStore, ['detector', 'runId']);
  persistFields('explore', useExploreStore, ['settings']);
  persistFields('occlusion', useOcclusionStore, ['settings', 'study']);
  journalWork('Dataset', useDatasetStore);
  journalWork('Embed', useEmbedStore);
  journalWork('Train', useTrainStore);
  journalWork('Random forest', useForestStore);
  journalWork('Linear probe', useProbeStore);
  journalWork('Sweep', useSweepStore);
  journalWork('Occlusion maps', useOcclusionStore);

  // CLIP loaded last time (not from picked files, which a page cannot reopen) loads again, from Cache Storage.
  const clipReady = (s: ReturnType<typeof useEmbedStore.getState>) => Boolean(s.model && s.model.sourceKind !== 'local');
  const reload = sessionFlag.get('clipLoaded');
  let wasReady = false;
  useEmbedStore.subscribe((s) => {
    const ready = clipReady(s);
    if (ready !== wasReady && s.status.kind !== 'working') {
      wasReady = ready;
      sessionFlag.set('clipLoaded', ready);
    }
  });
  const embed = useEmbedStore.getState();
  // Stored zero-shot scores of the active dataset come back once the datasets are listed, and follow the one chosen.
  useDatasetStore.subscribe((s, before) => {
    if (s.activeId === before.activeId) return;
    void useEmbedStore.getState().restoreZeroShot();
    void useExploreStore.getState().restore();
  });
  if (reload) void embed.loadModel();
  else if (embed.sourceKind === 'local' && embed.activeRep?.model?.startsWith('local:')) {
    // A page cannot reopen files picked from disk: say what to do instead of offering a download.
    useEmbedStore.setState({
      status: {
        kind: 'empty',
        message: 'The model was loaded from files on this computer, which a page cannot reopen after a reload: pick the vision, text and tokenizer files again. Embeddings already stored are still used for training and maps.',
      },
    });
  }
}
