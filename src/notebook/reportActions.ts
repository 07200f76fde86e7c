/** Report and session-record actions: gather the stores' state, download, and apply a record to repeat it. */
import { useStatusStore } from '../app/statusStore';
import { activeManifest, useDatasetStore } from '../dataset/store';
import { currentRepresentation, useEmbedStore } from '../embed/store';
import { describeBackend } from '../lib/compute';
import { buildResultsTable } from '../results/resultsTable';
import { useZeroShotRecords } from '../results/zeroShotRecords';
import { useResultsStore } from '../results/store';
import { mlpClassifier } from '../train/classifiers/mlp';
import type { AnyClassifier } from '../train/classifiers/types';
import { useTrainStore } from '../train/store';
import type { DataEfficiencyRecord } from '../train/dataEfficiency';
import type { SweepRecord } from '../train/sweep';
import type { ClassifierRun } from '../train/types';
import { applyOcclusionPart, occlusionFigures, occlusionSessionPart, type OcclusionSessionPart } from './occlusionReport';
import { renderReport, type ReportFigure } from './reportHtml';
import { collectSessionRecord, parseSessionRecord, type SessionRecord } from './sessionRecord';

/**
 * Sections that add figures (e.g. embedding maps), settings, saved classifiers or sweep tables to the report
 * register here (each classifier store registers itself, so the report follows the registry).
 */
const contributors: {
  figures?: () => Promise<ReportFigure[]>;
  settings?: () => [string, unknown];
  classifierRuns?: () => { entry: AnyClassifier; runs: readonly ClassifierRun[] };
  sweeps?: () => readonly SweepRecord[];
  dataEfficiency?: () => readonly DataEfficiencyRecord[];
  /** puts a section's settings back from a session record ("Repeat from a session record") */
  apply?: (record: SessionRecord) => ApplyOutcome;
}[] = [];
export function contributeToReport(contributor: (typeof contributors)[number]): void {
  contributors.push(contributor);
}

export function currentSessionRecord(): SessionRecord {
  const embed = useEmbedStore.getState();
  const train = useTrainStore.getState();
  const status = useStatusStore.getState();
  return collectSessionRecord({
    dataset: activeManifest(useDatasetStore.getState()),
    embed: { ...embed, sourceKind: embed.model?.sourceKind ?? embed.sourceKind, precision: String(embed.precision), backend: String(embed.backend), representation: currentRepresentation(embed) },
    environment: {
      userAgent: navigator.userAgent,
      backend: status.inUse ? describeBackend(status.inUse) : undefined,
      adapter: status.caps?.webgpu?.adapter,
      wasmThreads: status.caps?.wasmThreads,
      crossOriginIsolated: status.caps?.crossOriginIsolated,
    },
    training: train,
    results: useResultsStore.getState().rows,
    resultsTable: buildResultsTable({
      // the registry's stores register their runs; the MLP's store is Train's own (its runs are the record's `runs`)
      runs: [
        { classifier: mlpClassifier.kind, runs: train.runs },
        ...contributors.flatMap((c) => (c.classifierRuns ? [c.classifierRuns()] : [])).map(({ entry, runs }) => ({ classifier: entry.kind, runs })),
      ],
      zeroShots: useZeroShotRecords.getState().zeroShots,
      datasetId: useDatasetStore.getState().activeId,
    }),
    classifierRuns: contributors.flatMap((c) => (c.classifierRuns ? [c.classifierRuns()] : [])),
    sweeps: contributors.flatMap((c) => c.sweeps?.() ?? []),
    dataEfficiency: contributors.flatMap((c) => c.dataEfficiency?.() ?? []),
    extra: { ...Object.fromEntries(contributors.flatMap((c) => (c.settings ? [c.settings()] : []))), occlusion: occlusionSessionPart() },
  });
}

function download(name: string, type: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  Object.assign(document.createElement('a'), { href: url, download: name }).click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const stamp = (record: SessionRecord) => record.createdAt.slice(0, 19).replace(/[:T]/g, '-');

export async function downloadReport(): Promise<void> {
  const record = currentSessionRecord();
  const figures = (await Promise.all([...contributors.map((c) => c.figures?.() ?? Promise.resolve([])), occlusionFigures()])).flat();
  download(`facet-report-${stamp(record)}.html`, 'text/html', renderReport(record, figures));
}

export function downloadSessionRecord(): void {
  const record = currentSessionRecord();
  download(`facet-session-${stamp(record)}.json`, 'application/json', JSON.stringify(record, null, 2));
}

/** What applying a record did, and what the user still has to do to repeat it. */
export interface ApplyOutcome {
  done: string[];
  todo: string[];
}

/** Applies a session record's choices: dataset, model source and precision, prompts, training settings. */
export async function applySessionRecord(file: File): Promise<ApplyOutcome> {
  const record = parseSessionRecord(await file.text(), file.name);
  const done: string[] = [];
  const todo: string[] = [];

  const datasets = useDatasetStore.getState();
  if (record.dataset) {
    if (datasets.datasets.some((d) => d.id === record.dataset!.id)) {
      datasets.select(record.dataset.id);
      done.push(`dataset ${record.dataset.name} selected`);
    } else todo.push(`import ${record.dataset.name} (SHA-256 ${record.dataset.id.slice(0, 12)}…): it is not stored in this browser`);
  }

  const embed = useEmbedStore.getState();
  embed.setSettings({ template: record.prompts.template, ensemble: record.prompts.ensemble });
  done.push('prompts');
  if (record.model && record.model.sourceKind !== 'local') {
    const m = record.model;
    embed.setSettings({
      sourceKind: m.sourceKind as 'hub' | 'mirror',
      ...(m.repo ? { repo: m.repo } : {}),
      ...(m.mirrorUrl ? { mirrorUrl: m.mirrorUrl } : {}),
      precision: m.precision as Parameters<typeof embed.setSettings>[0]['precision'],
    });
    done.push(`model ${m.repo ?? m.mirrorUrl} (${m.precision})`);
    todo.push('load the model (Embed) and embed the dataset if it is not embedded yet');
  } else if (record.model) todo.push('pick the same model files from disk (Embed)');

  const run = record.runs.find((r) => r.id === record.selectedRunId);
  const train = useTrainStore.getState();
  train.setSettings(run?.settings ?? record.training.settings);
  train.setFeatures((run?.featureKind ?? record.training.features) === 'raw-pixels' ? 'raw-pixels' : 'clip');
  done.push(`training settings${run ? ` of the run of ${run.createdAt}` : ''} (seed ${(run?.settings ?? record.training.settings).seed})`);
  todo.push('press Train to repeat the run');
  const occlusion = applyOcclusionPart(record.extra?.occlusion as OcclusionSessionPart | undefined, record.selectedRunId);
  if (occlusion) todo.push(occlusion);
  for (const contributor of contributors) {
    const outcome = contributor.apply?.(record);
    if (outcome) {
      done.push(...outcome.done);
      todo.push(...outcome.todo);
    }
  }
  return { done, todo };
}
