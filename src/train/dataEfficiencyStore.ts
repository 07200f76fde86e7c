/**
 * Data-efficiency state: the study's settings, the job (through the one job runner, in the shared train worker),
 * and the stored studies. A study is a result record (kind 'data-efficiency') whose id follows from the dataset,
 * the representation and the settings; every finished (k, draw) is written into it at once, so a cancel or a reload
 * keeps what finished, and running the same settings again skips the stored points and finishes the rest.
 */
import { create } from 'zustand';
import { familyOfRep, useEmbedStore } from '../embed/store';
import { createJobSlice, type JobSlice } from '../lib/jobs/jobSlice';
import { deleteResult, getResult, listResults, saveResult } from '../lib/resultRecords';
import { announceChange, onOtherTabChange } from '../lib/tabs';
import { EMOTION_COUNT } from '../lib/emotions';
import {
  curveCsv,
  DATA_EFFICIENCY_KIND,
  DEFAULT_DATA_EFFICIENCY,
  parseKs,
  planPoints,
  sameDraws,
  studyId,
  studySummary,
  type DataEfficiencyRecord,
  type DataEfficiencySettings,
  type DataEfficiencyValue,
} from './dataEfficiency';
import { dataEfficiencySvg, type ChartStudy } from './dataEfficiencyChart';
import { backboneName } from './featureNames';
import type { DataEfficiencyProgress } from './dataEfficiencyRun';
import { useTrainStore } from './store';
import { trainingInput, type TrainingInput } from './trainingInput';
import { trainWorker } from './trainWorker';
import type { FeatureKind, Features } from './types';
import { downloadBlob } from '../lib/download';

interface DataEfficiencyState extends JobSlice {
  features: FeatureKind;
  settings: DataEfficiencySettings;
  /** the k list and the probe's C as typed */
  ksText: string;
  cText: string;
  studies: DataEfficiencyRecord[];
  shownId?: string;
  init(): Promise<void>;
  setFeatures(features: FeatureKind): void;
  setSettings(settings: Partial<DataEfficiencySettings>): void;
  setText(text: Partial<Pick<DataEfficiencyState, 'ksText' | 'cText'>>): void;
  run(): Promise<void>;
  show(id: string): void;
  remove(id: string): Promise<void>;
}

const trainedOnOf = (features: Features) => (features.kind === 'clip' ? `${backboneName(features.rep)} ${features.rep.model ?? ''} ${features.rep.precision ?? ''}`.replace(/\s+/g, ' ').trim() : 'raw pixels');
const featuresKeyOf = (features: Features) => (features.kind === 'clip' ? `clip:${features.rep.model}:${features.rep.precision}:${features.rep.dim}` : 'raw-pixels');

/** A study's curve name in the legend: what it learned from and with what. */
export const studyName = (value: DataEfficiencyValue) => `${value.settings.classifier === 'mlp' ? 'MLP' : 'linear probe'} on ${value.trainedOn}`;

/** The studies drawn together with `shown`: the same dataset and the same draws (so the same faces per k). */
export function overlaidStudies(studies: readonly DataEfficiencyRecord[], shown?: DataEfficiencyRecord): DataEfficiencyRecord[] {
  if (!shown) return [];
  return [shown, ...studies.filter((r) => r.id !== shown.id && r.datasetId === shown.datasetId && sameDraws(r.value.settings, shown.value.settings) && r.value.points.length > 0)];
}

/** The Embed section's zero-shot score on the active dataset and the family that scored it ("SigLIP"). */
export function currentZeroShot(): Pick<DataEfficiencyValue, 'zeroShot' | 'zeroShotBy'> {
  const { zeroShot, zeroShotOf } = useEmbedStore.getState();
  return zeroShot ? { zeroShot: zeroShot.evaluation.accuracy, zeroShotBy: zeroShotOf ? familyOfRep(zeroShotOf.rep) : 'CLIP' } : {};
}

/** The chart of `shown` with the studies it can be overlaid with. */
export function studyChartSvg(studies: readonly DataEfficiencyRecord[], shown: DataEfficiencyRecord): string {
  const chart: ChartStudy[] = overlaidStudies(studies, shown).map((r) => ({ name: studyName(r.value), value: r.value }));
  const { zeroShot, zeroShotBy } = shown.value.zeroShot === undefined ? currentZeroShot() : shown.value;
  return dataEfficiencySvg(chart, { zeroShot, zeroShotBy });
}

const fileStem = (record: DataEfficiencyRecord) => `facet-data-efficiency-${record.createdAt.slice(0, 19).replace(/[:T]/g, '-')}-${record.value.settings.classifier}`;

export function downloadStudyCsv(record: DataEfficiencyRecord): void {
  downloadBlob(`${fileStem(record)}.csv`, new Blob([curveCsv(record.value)], { type: 'text/csv' }));
}

export function downloadStudySvg(studies: readonly DataEfficiencyRecord[], record: DataEfficiencyRecord): void {
  downloadBlob(`${fileStem(record)}.svg`, new Blob([studyChartSvg(studies, record)], { type: 'image/svg+xml' }));
}

/** "search" or a positive number; undefined otherwise. */
export function parseC(text: string): 'search' | number | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'search') return 'search';
  const c = Number(t);
  return t !== '' && c > 0 && Number.isFinite(c) ? c : undefined;
}
const cTextOf = (c: 'search' | number) => (c === 'search' ? 'search' : String(c));

let initialized = false;

export const useDataEfficiencyStore = create<DataEfficiencyState>((set, get) => {
  const job = createJobSlice(set, {
    idle: 'No data-efficiency curve yet. It trains the classifier on k labelled faces per emotion, several seeded draws per k, and scores each on the test split.',
    pause: (jobId, paused) => trainWorker().setPaused({ jobId, paused }),
  });
  const list = () => listResults<DataEfficiencyValue>(DATA_EFFICIENCY_KIND);
  // Writes in order: a point's record never overwrites a later one.
  let writing: Promise<void> = Promise.resolve();
  const store = (record: DataEfficiencyRecord) => {
    const copy: DataEfficiencyRecord = { ...record, title: studySummary(record.value), value: { ...record.value, points: [...record.value.points] } };
    set((s) => ({ studies: [...s.studies.filter((r) => r.id !== copy.id), copy], shownId: copy.id }));
    writing = writing.then(() => saveResult(copy)).then(() => announceChange('results'));
    return writing;
  };
  return {
    ...job.slice,
    features: 'clip',
    settings: DEFAULT_DATA_EFFICIENCY,
    ksText: DEFAULT_DATA_EFFICIENCY.ks.join(', '),
    cText: cTextOf(DEFAULT_DATA_EFFICIENCY.c),
    studies: [],

    async init() {
      if (initialized) return;
      initialized = true;
      onOtherTabChange('results', () => void list().then((studies) => set({ studies })));
      const studies = await list();
      const last = studies.at(-1);
      if (last && get().status.kind !== 'working') {
        // The last study's settings go back in the form: pressing Run again finishes a study a reload interrupted.
        const resume = last.value.complete ? '' : ' Run the curve again with these settings to finish it (stored points are skipped).';
        set({
          studies,
          shownId: last.id,
          features: last.value.featuresKey === 'raw-pixels' ? 'raw-pixels' : 'clip',
          settings: last.value.settings,
          ksText: last.value.settings.ks.join(', '),
          cText: cTextOf(last.value.settings.c),
          status: { kind: 'done', message: `Restored: ${studySummary(last.value)}${resume}` },
        });
      } else set({ studies });
    },

    setFeatures(features) {
      set({ features });
    },
    setSettings(settings) {
      set((s) => ({ settings: { ...s.settings, ...settings } }));
    },
    setText(text) {
      set(text);
    },

    async run() {
      const { features: featureKind, ksText, cText } = get();
      type Input = Extract<TrainingInput, { ok: true }> & { settings: DataEfficiencySettings };
      let record: DataEfficiencyRecord | undefined;
      let skipped = 0;
      await job.runner.start<Input, { c?: number }>({
        prepare: async (wait) => {
          let ks: number[];
          try {
            ks = parseKs(ksText);
          } catch (error) {
            return { ok: false, message: (error as Error).message, retry: false };
          }
          const c = parseC(cText);
          if (c === undefined) return { ok: false, message: `Probe C: "${cText}" is neither "search" nor a positive number`, retry: false };
          const form = { ...get().settings, c };
          // The MLP trains with the Train section's MLP settings; they are part of the study (and its id).
          const s: DataEfficiencySettings = { ...form, ks: [...new Set(ks)].sort((a, b) => a - b), mlp: form.classifier === 'mlp' ? useTrainStore.getState().settings : undefined };
          if (!(Number.isInteger(s.draws) && s.draws >= 1 && Number.isInteger(s.drawsAtAll) && s.drawsAtAll >= 1)) return { ok: false, message: 'Draws must be whole numbers ≥ 1', retry: false };
          const input = await trainingInput(featureKind, 'run the curve on raw pixels', wait);
          return input.ok ? { ok: true, value: { ...input, settings: s } } : { ok: false, message: input.message };
        },
        starting: 'Starting the data-efficiency curve…',
        run: async (input, running) => {
          const { settings } = input;
          const featuresKey = featuresKeyOf(input.features);
          const id = studyId(input.datasetId, featuresKey, settings);
          const existing = get().studies.find((r) => r.id === id) ?? (await getResult<DataEfficiencyValue>(DATA_EFFICIENCY_KIND, id));
          const plannedCount = planPoints(settings).length;
          record = {
            kind: DATA_EFFICIENCY_KIND,
            id,
            datasetId: input.datasetId,
            createdAt: existing?.createdAt ?? new Date().toISOString(),
            title: '',
            value: existing?.value ?? {
              settings,
              trainedOn: trainedOnOf(input.features),
              featuresKey,
              datasetName: input.datasetName,
              allPerEmotion: 0,
              points: [],
              plannedCount,
              complete: false,
              ...currentZeroShot(),
            },
          };
          if (record.value.zeroShot === undefined) record.value = { ...record.value, ...currentZeroShot() };
          skipped = record.value.points.length;
          set({ shownId: id });
          const tracker = running.tracker('Point', Math.max(1, plannedCount - skipped), 'points');
          let finished = 0;
          return trainWorker().dataEfficiency(
            { jobId: running.id, datasetId: input.datasetId, features: input.features, settings, mlp: record.value.settings.mlp, stored: record.value.points, c: record.value.c },
            {
              signal: running.signal,
              onProgress: running.guard((p: DataEfficiencyProgress) => {
                const r = record!;
                if (p.type === 'stage') return running.working(p.message);
                if (p.type === 'c-search') return running.working(`Choosing C on the whole training split: fit ${p.done} of at most ${p.total}`, { percent: (100 * p.done) / p.total });
                if (p.type === 'ready') {
                  r.value = { ...r.value, c: p.c, allPerEmotion: p.trainCount / EMOTION_COUNT };
                  return void store(r);
                }
                if (p.type === 'point-start') {
                  const what = p.point.shots === 'all' ? 'all labels' : `k = ${p.point.shots} per emotion`;
                  return running.working(`${what}, draw ${p.point.draw + 1} · point ${skipped + p.index + 1} of ${plannedCount}${skipped ? ` (${skipped} stored before)` : ''}`, {
                    progress: tracker.update(finished),
                    percent: (100 * (skipped + p.index)) / plannedCount,
                  });
                }
                finished++;
                r.value = { ...r.value, points: [...r.value.points, p.point] };
                void store(r);
              }),
            },
          );
        },
        done: () => {
          const r = record!;
          r.value = { ...r.value, complete: r.value.points.length >= r.value.plannedCount };
          void store(r);
          return `${skipped ? `Resumed (${skipped} points were stored). ` : ''}${studySummary(r.value)}`;
        },
        cancelled: () => {
          if (!record) return 'The curve was cancelled before it started.';
          return `Curve cancelled: ${record.value.points.length} of ${record.value.plannedCount} points are stored; run it again with the same settings to finish it.`;
        },
      });
    },

    show(id) {
      const record = get().studies.find((r) => r.id === id);
      if (record) set({ shownId: id, status: { kind: 'done', message: studySummary(record.value) } });
    },

    async remove(id) {
      await deleteResult(DATA_EFFICIENCY_KIND, id);
      announceChange('results');
      set((s) => ({ studies: s.studies.filter((r) => r.id !== id), ...(s.shownId === id ? { shownId: undefined } : {}) }));
    },
  };
});

/** What the session record keeps of the data-efficiency form (the studies themselves are result records). */
export function dataEfficiencySessionPart() {
  const { features, settings, ksText } = useDataEfficiencyStore.getState();
  return { features, settings, ks: ksText };
}

/** Puts a session record's data-efficiency settings back; says what was done and what is left to do. */
export function applyDataEfficiencyPart(saved: { features?: FeatureKind; settings?: DataEfficiencySettings } | undefined): { done: string[]; todo: string[] } {
  if (!saved?.settings) return { done: [], todo: [] };
  const s = { ...DEFAULT_DATA_EFFICIENCY, ...saved.settings };
  useDataEfficiencyStore.setState({ settings: s, ksText: s.ks.join(', '), cText: cTextOf(s.c), ...(saved.features ? { features: saved.features } : {}) });
  return { done: [`data-efficiency settings (k ${s.ks.join(', ')}${s.includeAll ? ', all' : ''}; ${s.draws} draws; seed ${s.seed})`], todo: ['press Run curve to repeat the data-efficiency study'] };
}
