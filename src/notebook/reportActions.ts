/**
 * Report and session-record actions: gather what the stores hold, download, and apply a record to repeat it. The
 * report pulls from every section (it is at the end of the flow): the classifier stores per registry entry, the
 * stored sweeps and data-efficiency studies, the forms' settings, the Explore map; no section registers itself.
 */
import { useStatusStore } from '../app/statusStore';
import { classifySessionPart } from '../classify/store';
import { activeManifest, useDatasetStore } from '../dataset/store';
import { currentRepresentation, useEmbedStore } from '../embed/store';
import { exploreSessionPart, mapReportFigures } from '../explore/exportMap';
import { describeBackend } from '../lib/compute';
import { downloadBlob } from '../lib/download';
import { currentResultsTable } from '../results/resultsInputs';
import { CLASSIFIERS } from '../train/classifiers';
import { CLASSIFIER_STORES } from '../train/classifierStores';
import { applyDataEfficiencyPart, dataEfficiencySessionPart, useDataEfficiencyStore } from '../train/dataEfficiencyStore';
import { forestSessionPart } from '../train/forestStore';
import { probeSessionPart } from '../train/probeStore';
import { useTrainStore } from '../train/store';
import { useSweepStore } from '../train/sweepStore';
import { applyOcclusionPart, occlusionFigures, occlusionSessionPart, type OcclusionSessionPart } from './occlusionReport';
import { renderReport } from './reportHtml';
import { collectSessionRecord, parseSessionRecord, type SessionRecord } from './sessionRecord';

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
    resultsTable: currentResultsTable(),
    // The MLP's runs are the record's `runs` (their format predates the registry); every other entry's are here.
    classifierRuns: CLASSIFIERS.filter((entry) => entry.kind !== 'mlp').map((entry) => ({ entry, runs: CLASSIFIER_STORES[entry.kind].getState().runs })),
    sweeps: useSweepStore.getState().sweeps,
    dataEfficiency: useDataEfficiencyStore.getState().studies,
    extra: {
      dataEfficiency: dataEfficiencySessionPart(),
      randomForest: forestSessionPart(),
      linearProbe: probeSessionPart(),
      classify: classifySessionPart(),
      explore: exploreSessionPart(),
      occlusion: occlusionSessionPart(),
    },
  });
}

const stamp = (record: SessionRecord) => record.createdAt.slice(0, 19).replace(/[:T]/g, '-');

export async function downloadReport(): Promise<void> {
  const record = currentSessionRecord();
  const figures = [...mapReportFigures(), ...(await occlusionFigures())];
  downloadBlob(`facet-report-${stamp(record)}.html`, new Blob([renderReport(record, figures)], { type: 'text/html' }));
}

export function downloadSessionRecord(): void {
  const record = currentSessionRecord();
  downloadBlob(`facet-session-${stamp(record)}.json`, new Blob([JSON.stringify(record, null, 2)], { type: 'application/json' }));
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
  const dataEfficiency = applyDataEfficiencyPart(record.extra?.dataEfficiency as Parameters<typeof applyDataEfficiencyPart>[0]);
  done.push(...dataEfficiency.done);
  todo.push(...dataEfficiency.todo);
  return { done, todo };
}
