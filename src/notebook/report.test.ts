import { describe, expect, it } from 'vitest';
import type { FaceSetManifest } from '../dataset/faceSet';
import { buildResultsTable } from '../results/resultsTable';
import { evaluate } from '../lib/metrics';
import { DEFAULT_MLP } from '../train/mlp';
import { forestClassifier } from '../train/classifiers/forest';
import { DEFAULT_FOREST } from '../train/forest';
import type { RunRecord } from '../train/runs';
import type { SweepRecord } from '../train/sweep';
import type { ForestRunRecord } from '../train/types';
import { renderReport } from './reportHtml';
import { collectSessionRecord, parseSessionRecord, type SessionInputs } from './sessionRecord';

const truth = [0, 1, 2, 3, 4, 5, 6, 3];
const predicted = [0, 1, 2, 3, 4, 5, 3, 3];
const run: RunRecord = {
  id: 'run-1',
  createdAt: '2026-11-24T10:00:00.000Z',
  datasetId: 'abc',
  datasetName: '<img src=x onerror=alert(1)>.zip',
  featureKind: 'clip',
  result: {
    features: 'CLIP tiny',
    settings: { ...DEFAULT_MLP, seed: 7 },
    history: [
      { epoch: 1, loss: 1.9, acc: 0.3, valLoss: 1.8, valAcc: 0.32 },
      { epoch: 2, loss: 1.5, acc: 0.45, valLoss: 1.6, valAcc: 0.41 },
    ],
    bestEpoch: 2,
    stoppedEarly: false,
    trainAccuracy: 0.5,
    test: evaluate(truth, predicted, 7),
    publicTest: { accuracy: 0.9, count: 4 },
    privateTest: { accuracy: 0.85, count: 4 },
    clean: { accuracy: 0.875, count: 8 },
    trainCount: 100,
    seconds: 3.5,
    backend: 'WASM',
    testPredictions: { indices: new Uint32Array(), truth: new Uint8Array(), predicted: new Uint8Array(), probability: new Float32Array() },
  },
} as RunRecord;

const forest: ForestRunRecord = {
  ...run,
  id: 'forest-1',
  result: {
    ...run.result,
    classifier: 'forest',
    features: 'raw pixels',
    settings: { ...DEFAULT_FOREST, trees: 8 },
    test: evaluate([0, 1, 2, 3], [0, 1, 2, 4], 7),
    oobAccuracy: 0.4,
    binningSeconds: 0.2,
    msPerTree: [5, 6],
    nodeCount: 321,
    meanDepth: 7,
    storedBytes: 1234,
    testAccuracyBySize: [{ trees: 8, accuracy: 0.75 }],
  },
} as ForestRunRecord;

const sweep: SweepRecord = {
  kind: 'sweep',
  id: 'sweep-1',
  datasetId: 'abc',
  createdAt: '2026-11-24T11:00:00.000Z',
  title: 'Swept 1 configurations on <raw>',
  value: {
    grid: { hidden: '16', learningRates: '0.001', dropouts: '0.2' },
    trainedOn: 'raw pixels',
    datasetName: 'mini',
    base: DEFAULT_MLP,
    configCount: 1,
    complete: true,
    rows: [{ index: 0, hidden: [16], learningRate: 0.001, dropout: 0.2, valAccuracy: 0.41, trainAccuracy: 0.5, testAccuracy: 0.39, epochs: 3, bestEpoch: 2, seconds: 1.2 }],
  },
};

const dataset = {
  id: 'f'.repeat(64),
  name: '<script>alert("x")</script>.zip',
  count: 30,
  counts: { train: [3, 3, 3, 3, 3, 3, 2], test: [1, 1, 1, 1, 1, 1, 3] },
} as unknown as FaceSetManifest;

const inputs: SessionInputs = {
  dataset,
  embed: {
    sourceKind: 'hub',
    repo: 'Xenova/clip-vit-base-patch32',
    mirrorUrl: '',
    precision: 'auto',
    backend: 'auto',
    template: 'A {} human face',
    ensemble: false,
    representation: { kind: 'clip', model: 'Xenova/clip-vit-base-patch32', precision: 'quantized', dim: 512 },
    coverage: { embedded: 30, total: 30 },
  },
  environment: { userAgent: 'test', backend: 'WASM · 2 threads', wasmThreads: 2 },
  training: { features: 'clip', settings: DEFAULT_MLP, runs: [run], shownRunId: 'run-1' },
  classifierRuns: [{ entry: forestClassifier, runs: [forest] }],
  sweeps: [sweep],
  resultsTable: buildResultsTable({
    runs: [
      { classifier: 'mlp', runs: [run] },
      { classifier: 'forest', runs: [forest] },
    ],
    zeroShots: [{ id: 'z', datasetId: dataset.id, createdAt: '2026-11-24T11:00:00Z', test: 0.25, rep: { kind: 'clip', model: 'Xenova/clip-vit-base-patch32', precision: 'quantized', dim: 512 }, settings: '“A {} face <i>”', seconds: 1.5, testImages: 8 }],
  }),
  now: new Date('2026-11-24T12:00:00Z'),
};

describe('session record', () => {
  it('holds the dataset identity, model, seeds, metrics and the confusion matrix, and survives JSON', () => {
    const record = collectSessionRecord(inputs);
    expect(record.dataset).toMatchObject({ id: dataset.id, count: 30, train: 20, test: 9 });
    expect(record.model).toMatchObject({ repo: 'Xenova/clip-vit-base-patch32', precision: 'quantized' });
    expect(record.runs[0].settings.seed).toBe(7);
    expect(record.runs[0].confusion[6]).toEqual([0, 0, 0, 1, 0, 0, 0]);
    expect(record.runs[0].testAccuracy).toBeCloseTo(7 / 8);
    expect(parseSessionRecord(JSON.stringify(record))).toEqual(record);
  });

  it('refuses files that are not session records, saying why', () => {
    expect(() => parseSessionRecord('not json')).toThrow(/not JSON/);
    expect(() => parseSessionRecord('{"format":"other"}')).toThrow(/not a Facet session record/);
    expect(() => parseSessionRecord('{"format":"facet-session","version":99}')).toThrow(/version 99/);
  });
});

describe('HTML report', () => {
  const html = renderReport(collectSessionRecord(inputs), [{ title: 'Figure <8>', svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' }]);

  it('shows names from data as text, never as markup, and runs no script', () => {
    expect(html).not.toMatch(/<script>/);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;.zip');
    expect(html).toContain('“A {} face &lt;i&gt;”');
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('Figure &lt;8&gt;');
  });

  it('says beside each figure whether it is comparable with the paper, and why not', () => {
    const tiny = { kind: 'clip', model: 'http://127.0.0.1:4173/models/tiny/', precision: 'fp32', dim: 512 } as const;
    const flaggedTable = buildResultsTable({ runs: [{ classifier: 'mlp', runs: [{ ...run, rep: tiny }] }], zeroShots: [] });
    const flagged = renderReport(collectSessionRecord({ ...inputs, resultsTable: flaggedTable }));
    expect(flagged).toMatch(/<td data-cell="mlp">.*?<strong class="caveat" title="Tested on 8 images, not FER2013’s 7,178[^"]*">Subset<\/strong> <strong class="caveat" title="[^"]*random weights[^"]*">Test model<\/strong><\/td>/);
    // The same figure on all of FER2013's test split, with real weights: nothing to flag.
    const full = { ...run, rep: { ...tiny, model: 'Xenova/clip-vit-base-patch32' }, result: { ...run.result, test: { ...run.result.test, count: 7_178 } } };
    const fullTable = buildResultsTable({ runs: [{ classifier: 'mlp', runs: [full] }], zeroShots: [] });
    expect(fullTable.rows.find((r) => r.id === 'clip-vit-b-32')!.cells.find((c) => c.column === 'mlp')!.caveats).toEqual([]);
    expect(renderReport(collectSessionRecord({ ...inputs, resultsTable: fullTable }))).not.toMatch(/class="caveat"/);
  });

  it('puts the paper figures beside ours, with the run’s curves and confusion matrix', () => {
    // rows are backbones, columns zero-shot and the classifiers; the paper's figure under Facet's in each cell
    const row = (id: string) => html.match(new RegExp(`<tr data-row="${id}">.*?</tr>`))![0];
    const cell = (id: string, column: string) => row(id).match(new RegExp(`<td data-cell="${column}"[^>]*>.*?</td>`))![0];
    expect(cell('clip-vit-b-32', 'mlp')).toMatch(/<strong>87\.50%<\/strong><br><span class="muted">paper 71\.40%<\/span><br><small class="settings">train 50\.00% · MLP/);
    expect(cell('clip-vit-b-32', 'zero-shot')).toMatch(/<strong>25\.00%<\/strong>/);
    expect(cell('clip-vit-b-32', 'forest')).toMatch(/<strong>[\d.]+%<\/strong><br><span class="muted">paper 68\.17%/);
    expect(cell('raw-pixels', 'forest')).toMatch(/not run<\/span><br><span class="muted">paper 48\.90%/);
    expect(cell('raw-pixels', 'mlp')).toMatch(/not run<\/span><br><span class="muted">paper 41\.40%/);
    expect(cell('raw-pixels', 'zero-shot')).toContain('no text tower');
    expect(row('face-api-expression')).toContain('reference, not a clean baseline');
    expect(html.match(/<path d="M[^"]+"/g)?.length).toBe(4); // loss and accuracy, train and validation
    expect(html).toContain('seed 7');
    expect(html).toMatch(/<th scope="row">neutral<\/th>(<td[^>]*><span>0<\/span><\/td>){3}<td[^>]*><span>1<\/span><\/td>/);
  });

  it('shows each saved forest with its details, confusion matrix and per-class table, and each stored sweep', () => {
    expect(html).toContain('<h2>Random forests</h2>');
    const section = html.slice(html.indexOf('<h2>Random forests</h2>'), html.indexOf('<h2>Hyperparameter sweeps</h2>'));
    expect(section).toContain('Random forest on raw pixels');
    expect(section).toMatch(/random forest, 8 trees/);
    expect(section).toContain('Out-of-bag accuracy 40.00%; 321 nodes');
    expect(section).toMatch(/<th scope="row">happy<\/th>(<td[^>]*><span>0<\/span><\/td>){4}<td[^>]*><span>1<\/span><\/td>/);
    expect(section).toContain('Per-class precision, recall and F1');
    expect(html).toContain('Swept 1 configurations on &lt;raw&gt;');
    expect(html).toMatch(/<td>16<\/td><td>0\.001<\/td><td>0\.2<\/td><td>41\.00%<\/td><td>39\.00%<\/td><td>3 \(2\)<\/td>/);
  });
});
