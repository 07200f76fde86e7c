/**
 * A self-contained HTML report of a session: one file, no scripts, no external resources, figures as inline SVG.
 * Everything that came from data (file names, prompts, model ids) is escaped: it is shown as text, never as HTML.
 */
import { line, scaleLinear } from 'd3';
import { confusionTint, EMOTIONS } from '../lib/emotions';
import { aggregatePoints, sameDraws } from '../train/dataEfficiency';
import { dataEfficiencySvg } from '../train/dataEfficiencyChart';
import type { ResultsCell } from '../results/resultsTable';
import type { ClassifierRunSummary, DataEfficiencySummary, RunSummary, SessionRecord, SweepSummary } from './sessionRecord';
import { pct } from '../lib/format';

export interface ReportFigure {
  title: string;
  /** an SVG document made by Facet's own code (its text already escaped) */
  svg: string;
  /** the heading it goes under (default: embedding maps) */
  section?: string;
  /** Facet's own HTML after the figure (its numbers as a table; text already escaped) */
  html?: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: unknown) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** Loss or accuracy per epoch, train and validation, as an SVG line chart. */
export function curveSvg(history: RunSummary['history'], metric: 'loss' | 'acc', width = 420, height = 220): string {
  const margin = { top: 12, right: 12, bottom: 30, left: 46 };
  const trainKey = metric;
  const valKey = metric === 'loss' ? 'valLoss' : 'valAcc';
  const values = history.flatMap((h) => [h[trainKey], h[valKey]]).filter(Number.isFinite);
  const x = scaleLinear()
    .domain([1, Math.max(2, history.length)])
    .range([margin.left, width - margin.right]);
  const y = scaleLinear()
    .domain(metric === 'acc' ? [0, 1] : [0, Math.max(...values, 1e-6)])
    .nice()
    .range([height - margin.bottom, margin.top]);
  const path = (key: 'loss' | 'acc' | 'valLoss' | 'valAcc') =>
    line<RunSummary['history'][number]>()
      .defined((h) => Number.isFinite(h[key]))
      .x((h) => x(h.epoch))
      .y((h) => y(h[key]))(history) ?? '';
  const yTicks = y.ticks(5).map((t) => `<g><line x1="${margin.left - 4}" x2="${width - margin.right}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/><text x="${margin.left - 6}" y="${y(t) + 4}" text-anchor="end" font-size="10">${metric === 'acc' ? `${Math.round(t * 100)}%` : t}</text></g>`);
  const xTicks = x.ticks(Math.min(10, history.length)).filter(Number.isInteger).map((t) => `<text x="${x(t)}" y="${height - margin.bottom + 14}" text-anchor="middle" font-size="10">${t}</text>`);
  const title = metric === 'loss' ? 'Loss' : 'Accuracy';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${title} per epoch, train and validation">` +
    yTicks.join('') +
    xTicks.join('') +
    `<text x="${(margin.left + width - margin.right) / 2}" y="${height - 4}" text-anchor="middle" font-size="11">epoch</text>` +
    `<path d="${path(trainKey)}" fill="none" stroke="#2f5fc4" stroke-width="2"/>` +
    `<path d="${path(valKey)}" fill="none" stroke="#c45f2f" stroke-width="2" stroke-dasharray="5 3"/>` +
    `<text x="${width - margin.right}" y="${margin.top + 10}" text-anchor="end" font-size="11" fill="#2f5fc4">train</text>` +
    `<text x="${width - margin.right}" y="${margin.top + 24}" text-anchor="end" font-size="11" fill="#c45f2f">validation</text>` +
    `</svg>`
  );
}

function confusionTable(run: Pick<RunSummary, 'confusion'>): string {
  const head = EMOTIONS.map((e) => `<th scope="col">${e}</th>`).join('');
  const rows = run.confusion
    .map((row, t) => {
      // the app's scale (share of the true class, src/lib/emotions.ts), the count on a white chip
      const total = row.reduce((a, b) => a + b, 0);
      const cells = row.map((n) => `<td style="background: rgba(47, 95, 196, ${confusionTint(n, total) / 100})"><span>${n}</span></td>`).join('');
      return `<tr><th scope="row">${EMOTIONS[t]}</th>${cells}</tr>`;
    })
    .join('');
  return `<table class="confusion"><caption>Confusion matrix on the test split (rows: true emotion, columns: predicted)</caption><thead><tr><th></th>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function perClassTable(run: Pick<RunSummary, 'perClass'>): string {
  const rows = run.perClass
    .map((m) => `<tr><th scope="row">${m.emotion}</th><td>${pct(m.precision)}</td><td>${pct(m.recall)}</td><td>${pct(m.f1)}</td><td>${m.support}</td></tr>`)
    .join('');
  return `<table><caption>Per-class precision, recall and F1 on the test split</caption><thead><tr><th></th><th scope="col">precision</th><th scope="col">recall</th><th scope="col">F1</th><th scope="col">support</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const smallTable = (t: { caption: string; columns: string[]; rows: string[][] }) =>
  `<table><caption>${escapeHtml(t.caption)}</caption><thead><tr>${t.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr></thead>` +
  `<tbody>${t.rows.map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;

/** A forest, a linear probe, …: the shared scores, its own details from the registry, confusion and per-class table. */
function classifierSection(run: ClassifierRunSummary): string {
  return `<section class="run">
<h3>${escapeHtml(run.label.charAt(0).toUpperCase() + run.label.slice(1))} on ${escapeHtml(run.features)}, ${escapeHtml(run.createdAt)}</h3>
<p>Train ${pct(run.trainAccuracy)} · test ${pct(run.testAccuracy)} · PublicTest ${pct(run.publicTestAccuracy)} · PrivateTest ${pct(run.privateTestAccuracy)} · test without images also in train ${pct(run.cleanTestAccuracy)}.</p>
<p class="settings">${escapeHtml(run.described)}.</p>
${run.details.lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('')}
${run.details.tables.map(smallTable).join('')}
${confusionTable(run)}
${perClassTable(run)}
</section>`;
}

function sweepSection(sweep: SweepSummary): string {
  const rows = [...sweep.rows].sort((a, b) => a.index - b.index);
  return `<section class="sweep">
<h3>${escapeHtml(sweep.title)}</h3>
<p class="settings">Grid: hidden ${escapeHtml(sweep.grid.hidden)}; learning rates ${escapeHtml(sweep.grid.learningRates)}; dropouts ${escapeHtml(sweep.grid.dropouts)}. ${escapeHtml(sweep.createdAt)}.</p>
${smallTable({
  caption: `Sweep on ${sweep.trainedOn}${sweep.complete ? '' : ` (${sweep.rows.length} of ${sweep.configCount} configurations finished)`}`,
  columns: ['Hidden', 'Learning rate', 'Dropout', 'Validation', 'Test', 'Epochs (best)', 'Time'],
  rows: rows.map((r) => [r.hidden.join('-') || 'linear', String(r.learningRate), String(r.dropout), pct(r.valAccuracy), pct(r.testAccuracy), `${r.epochs} (${r.bestEpoch})`, `${r.seconds.toFixed(1)} s`]),
})}
</section>`;
}

/**
 * Data-efficiency studies: one figure per group of studies with the same draws on the same dataset (overlaid, as
 * the Train section shows them), then each study's mean, sd, min and max per k.
 */
function dataEfficiencySections(studies: DataEfficiencySummary[], zeroShot?: number): string {
  const groups: DataEfficiencySummary[][] = [];
  for (const study of studies) {
    const group = groups.find((g) => g[0].datasetId === study.datasetId && sameDraws(g[0].settings, study.settings));
    if (group) group.push(study);
    else groups.push([study]);
  }
  const name = (s: DataEfficiencySummary) => `${s.settings.classifier === 'mlp' ? 'MLP' : 'linear probe'} on ${s.trainedOn}`;
  return groups
    .map((group) => {
      const figure = dataEfficiencySvg(
        group.map((s) => ({ name: name(s), value: s })),
        { zeroShot: group[0].zeroShot ?? zeroShot },
      );
      const tables = group.map((s) =>
        smallTable({
          caption: `${s.title} Seed ${s.settings.seed}, ${s.settings.draws} draws per k (${s.settings.drawsAtAll} at all), ${s.datasetName}, ${s.createdAt}`,
          columns: ['Faces per emotion', 'Draws', 'Mean test accuracy', 'sd', 'Min', 'Max', 'Mean without images also in train'],
          rows: aggregatePoints(s.points, s.allPerEmotion).map((p) => [String(p.shots), String(p.n), pct(p.mean), `${(100 * p.sd).toFixed(2)} pt`, pct(p.min), pct(p.max), pct(p.cleanMean)]),
        }),
      );
      return `<section class="data-efficiency"><figure>${figure}<figcaption>Test accuracy against labelled faces per emotion: mean over the seeded draws, band from the lowest to the highest draw.</figcaption></figure>${tables.join('')}</section>`;
    })
    .join('\n');
}

function runSection(run: RunSummary, selected: boolean): string {
  const s = run.settings;
  return `<section class="run">
<h3>${selected ? 'Selected run: ' : 'Run '}${escapeHtml(run.features)}, ${escapeHtml(run.createdAt)}</h3>
<p>Train ${pct(run.trainAccuracy)} · test ${pct(run.testAccuracy)} · PublicTest ${pct(run.publicTestAccuracy)} · PrivateTest ${pct(run.privateTestAccuracy)} · test without images also in train ${pct(run.cleanTestAccuracy)}.
Best epoch ${run.bestEpoch}; ${run.seconds.toFixed(1)} s on ${escapeHtml(run.backend)}.</p>
<p class="settings">MLP hidden [${s.hidden.join(', ')}], ${escapeHtml(s.activation)}, dropout ${s.dropout}, learning rate ${s.learningRate} × ${s.lrDecay}/epoch, batch ${s.batchSize}, up to ${s.epochs} epochs (patience ${s.patience}), validation share ${s.validationShare}, class weighting ${s.classWeighting ? 'on' : 'off'}, seed ${s.seed}.</p>
<div class="figures">${curveSvg(run.history, 'loss')}${curveSvg(run.history, 'acc')}</div>
${confusionTable(run)}
${perClassTable(run)}
</section>`;
}

/** One heading per kind of classifier, in the order the record lists them (the registry's). */
function classifierSections(runs: ClassifierRunSummary[]): string {
  const kinds = [...new Set(runs.map((r) => r.classifier))];
  return kinds
    .map((kind) => {
      const ofKind = runs.filter((r) => r.classifier === kind);
      const label = ofKind[0].label;
      return `<h2>${escapeHtml(label.charAt(0).toUpperCase() + label.slice(1))}s</h2>\n${ofKind.map(classifierSection).join('\n')}`;
    })
    .join('\n');
}

/** The page's Results table (backbones × classifiers), each figure with the paper's beside it and its settings. */
function resultsTableHtml(record: SessionRecord): string {
  const table = record.resultsTable;
  if (!table) return '<p>No results table in this record.</p>';
  const cell = (c: ResultsCell) => {
    if (!c.applicable) return `<td data-cell="${escapeHtml(c.column)}" class="muted">no text tower</td>`;
    const figure = c.test === undefined ? '<span class="muted">not run</span>' : `<strong>${pct(c.test)}</strong>`;
    const paper = c.paperTest === undefined ? '' : `<br><span class="muted">paper ${pct(c.paperTest)}</span>`;
    const settings = c.settings === undefined ? '' : `<br><small class="settings">${c.train === undefined ? '' : `train ${pct(c.train)} · `}${escapeHtml(c.settings)}${c.seconds === undefined ? '' : ` · ${c.seconds.toFixed(1)} s`}</small>`;
    // A figure from a subset or a test model is not the paper's: the caveat in words beside it.
    const caveats = c.test === undefined || !c.caveats?.length ? '' : `<br>${c.caveats.map((k) => `<strong class="caveat" title="${escapeHtml(k.detail)}">${escapeHtml(k.label)}</strong>`).join(' ')}`;
    return `<td data-cell="${escapeHtml(c.column)}">${figure}${paper}${settings}${caveats}</td>`;
  };
  const rows = table.rows
    .map((r) => `<tr data-row="${escapeHtml(r.id)}"><th scope="row">${escapeHtml(r.label)}${r.reference ? ' <small class="muted">(reference, not a clean baseline)</small>' : ''}</th>${r.cells.map(cell).join('')}</tr>`)
    .join('');
  return `<table class="results"><caption>Test accuracy on the dataset’s test split, each backbone × classifier’s latest run; the paper’s figures (Griffin &amp; Gianitsos) beside them</caption><thead><tr><th scope="col">Features</th>${table.columns.map((c) => `<th scope="col">${escapeHtml(c.label)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`;
}

export function renderReport(record: SessionRecord, figures: ReportFigure[] = []): string {
  const d = record.dataset;
  const m = record.model;
  const perEmotion = d
    ? Object.entries(d.perEmotion)
        .map(([e, c]) => `<tr><th scope="row">${e}</th><td>${c.train}</td><td>${c.test}</td></tr>`)
        .join('')
    : '';
  const selected = record.runs.find((r) => r.id === record.selectedRunId);
  const others = record.runs.filter((r) => r !== selected);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Facet report ${escapeHtml(record.createdAt)}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 1000px; margin: 2rem auto; padding: 0 1rem; color: #1d2330; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; } th, td { padding: 0.5rem 0.75rem; border-bottom: 1px solid #d9dbe0; text-align: left; font-weight: normal; }
thead th { color: #5b616b; font-size: 0.8rem; border-bottom-color: #5b616b; }
td { font-variant-numeric: tabular-nums; vertical-align: top; } caption { text-align: left; color: #5b616b; padding: 0.3rem 0; }
.figures { display: flex; flex-wrap: wrap; gap: 1rem; } .settings, .muted { color: #555; } h2 { border-bottom: 2px solid #2f5fc4; }
.confusion td { text-align: center; min-width: 3.4rem; padding: 0.25rem; border: 1px solid #d9dbe0; } .confusion td span { background: #fff; border-radius: 4px; padding: 0 0.25rem; }
</style></head><body>
<h1>Facet report: emotion detection with CLIP</h1>
<p class="muted">Made ${escapeHtml(record.createdAt)} in ${escapeHtml(record.environment.userAgent)}. Everything here was computed in the browser; no image or embedding left it.</p>
<h2>Dataset</h2>
${d ? `<p>${escapeHtml(d.name)} (SHA-256 <code>${escapeHtml(d.id)}</code>): ${d.count} faces, train ${d.train}, test ${d.test}.</p><table><caption>Faces per emotion</caption><thead><tr><th></th><th scope="col">train</th><th scope="col">test</th></tr></thead><tbody>${perEmotion}</tbody></table>` : '<p>No dataset.</p>'}
<h2>Model and compute</h2>
${m ? `<p>CLIP ${escapeHtml(m.repo ?? m.mirrorUrl ?? m.sourceKind)} (${escapeHtml(m.sourceKind)}), precision ${escapeHtml(m.precision)}, ${m.representation?.dim ?? '?'}-d embeddings.</p>` : '<p>No CLIP model was loaded.</p>'}
<p>Backend: ${escapeHtml(record.environment.backend ?? 'not used')}${record.environment.adapter ? `; GPU adapter ${escapeHtml(record.environment.adapter)}` : ''}; WASM threads ${record.environment.wasmThreads ?? '?'}.
Embedded: ${record.embedding ? `${record.embedding.embedded} of ${record.embedding.total} distinct images` : '—'}.</p>
<p>Prompt template “${escapeHtml(record.prompts.template)}”${record.prompts.ensemble ? ' with the template ensemble' : ''}.</p>
${record.zeroShot ? `<p>CLIP zero-shot: ${pct(record.zeroShot.accuracy)} of ${record.zeroShot.scored} test images (${record.zeroShot.testImages} in the split).</p>` : ''}
<h2>Results beside the paper</h2>
${resultsTableHtml(record)}
<h2>Training runs</h2>
${selected ? runSection(selected, true) : ''}
${others.map((r) => runSection(r, false)).join('\n')}
${record.runs.length === 0 ? '<p>No run saved.</p>' : ''}
${classifierSections(record.classifierRuns ?? [])}
${record.sweeps?.length ? `<h2>Hyperparameter sweeps</h2>${record.sweeps.map(sweepSection).join('\n')}` : ''}
${record.dataEfficiency?.length ? `<h2>Data efficiency: how many labels is zero-shot worth</h2>${dataEfficiencySections(record.dataEfficiency, record.zeroShot?.accuracy)}` : ''}
${[...new Set(figures.map((f) => f.section ?? 'Embedding maps'))]
  .map((section) => `<h2>${escapeHtml(section)}</h2>${figures.filter((f) => (f.section ?? 'Embedding maps') === section).map((f) => `<figure>${f.svg}<figcaption>${escapeHtml(f.title)}</figcaption></figure>${f.html ?? ''}`).join('')}`)
  .join('\n')}
<h2>Repeat this session</h2>
<p>The JSON record downloaded with this report holds every setting and seed above; import it in Facet (Results section, “Repeat from a session record”) to apply them again.</p>
</body></html>
`;
}
