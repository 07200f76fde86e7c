/**
 * backbones.*: what each backbone of the registry that runs offline with real weights (face-api's expression and
 * recognition networks) is worth on the full FER2013, for every classifier of the registry (linear probe, MLP,
 * forest) with its default settings, beside the same classifiers on raw pixels. Accuracy, not time: the figures a
 * researcher compares with the paper's (raw pixels 41.40% MLP / 48.90% forest; CLIP 71.40% MLP / 68.17% forest).
 *
 * The features come from `facet embed --model <backbone>` (the command line, the same modules as the browser;
 * cached in bench/.cache, and an interrupted embedding goes on where it stopped). The dataset is imported and the
 * classifiers trained and scored in this Node process through the worker's own functions (ingestFile,
 * loadTrainingData, fitAndScore, scoreClassifier): whole test split, PublicTest, PrivateTest, and leak-free (test
 * images that also occur in train left out). The baseline of each row is the same classifier on raw pixels; the
 * raw-pixel linear probe (the paper's C search over 2,304 inputs, over an hour on this machine) is a scenario of its
 * own, backbones.raw-pixel-probe, so the others can be re-measured in about 20 minutes.
 * face-api's networks were trained on other face data that may overlap FER2013: "reference, not a clean baseline".
 */
import 'fake-indexeddb/auto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openAsBlob, readFileSync } from 'node:fs';
import { decodeImageInNode } from '../src/cli/nodeDecode';
import { ingestFile } from '../src/dataset/ingest';
import { FACE_API_EXPRESSION, FACE_API_RECOGNITION } from '../src/embed/backbones/faceApi';
import { putEmbeddings } from '../src/embed/embeddingCache';
import { readEmbeddingFile } from '../src/embed/embeddingFile';
import { fitAndScore } from '../src/train/classifierRun';
import { classifierOf } from '../src/train/classifiers';
import type { ClassifierKind } from '../src/train/classifiers/types';
import { loadTrainingData } from '../src/train/trainingData';
import type { Features, ScoredResult } from '../src/train/types';
import { record, type BenchRecord, type Scenario } from './lib';

const FER2013 = new URL('../../shared/data/fer2013.zip', import.meta.url).pathname;
const CACHE = new URL('./.cache/', import.meta.url).pathname;
const BACKBONES = [FACE_API_EXPRESSION, FACE_API_RECOGNITION];
const CLASSIFIERS: ClassifierKind[] = ['linear-probe', 'mlp', 'forest'];
const percent = (share: number) => 100 * share;

/** The backbone's embeddings of the full FER2013, made by the command line once and kept in bench/.cache. */
function embeddingsFile(backboneId: string): string {
  const file = `${CACHE}fer2013.${backboneId}.embeddings.zip`;
  if (existsSync(file)) return file;
  mkdirSync(CACHE, { recursive: true });
  console.log(`  embedding FER2013 with ${backboneId} (facet embed; goes on where an earlier run stopped)…`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'embed', FER2013, '--model', backboneId, '--out', file, '--no-zero-shot'], { stdio: 'inherit' });
  if (run.status !== 0 || !existsSync(file)) throw new Error(`facet embed --model ${backboneId} failed (exit ${run.status})`);
  return file;
}

type FeatureSet = { name: string; label: string; features: Features };

/** The dataset imported into this process's IndexedDB, and each face-api backbone's cached vectors put beside it. */
async function importWithEmbeddings(withBackbones: boolean): Promise<{ datasetId: string; backbones: FeatureSet[] }> {
  const files = withBackbones ? BACKBONES.map((b) => ({ backbone: b, file: embeddingsFile(b.id) })) : [];
  const { manifest } = await ingestFile(new File([await openAsBlob(FER2013)], 'fer2013.zip'), { decode: decodeImageInNode, signal: new AbortController().signal, onProgress: () => {} });
  const backbones: FeatureSet[] = [];
  for (const { backbone, file } of files) {
    const { meta, vectors } = readEmbeddingFile(new Uint8Array(readFileSync(file)), file);
    await putEmbeddings(meta.representation, meta.imageIds, vectors);
    backbones.push({ name: backbone.id, label: backbone.label, features: { kind: 'clip', rep: meta.representation } });
  }
  return { datasetId: manifest.id, backbones };
}

interface Scored {
  name: string;
  kind: ClassifierKind;
  label: string;
  test: number;
  result: ScoredResult;
  testCount: number;
}

/** Trains and scores each classifier of `plan` on its feature set with its defaults, printing each figure as it comes. */
async function score(datasetId: string, plan: { set: FeatureSet; kinds: ClassifierKind[] }[]): Promise<Scored[]> {
  const scored: Scored[] = [];
  for (const { set, kinds } of plan) {
    const data = await loadTrainingData(datasetId, set.features, () => {});
    for (const kind of kinds) {
      const entry = classifierOf(kind);
      const started = performance.now();
      // A fit can take an hour (the raw-pixel probe): its latest progress, once a minute.
      let lastReport = started;
      const progress = (update: unknown) => {
        if (performance.now() - lastReport < 60_000) return;
        lastReport = performance.now();
        console.log(`    ${set.label} + ${entry.label}, ${((lastReport - started) / 60_000).toFixed(0)} min: ${JSON.stringify(update)}`);
      };
      let result: ScoredResult;
      try {
        ({ result } = await fitAndScore<ScoredResult>(entry, data, set.features, entry.defaults, { signal: new AbortController().signal, gate: () => Promise.resolve(), progress }, { keep: false }));
      } catch (error) {
        // One classifier that cannot run here leaves the others measured.
        console.log(`  ${set.label} + ${entry.label}: not measured: ${(error as Error).message}`);
        continue;
      }
      const seconds = (performance.now() - started) / 1000;
      const test = percent(result.test.accuracy);
      console.log(
        `  ${set.label} + ${entry.label}: test ${test.toFixed(2)}% · PublicTest ${percent(result.publicTest.accuracy).toFixed(2)}% · PrivateTest ${percent(result.privateTest.accuracy).toFixed(2)}% · ` +
          `leak-free ${percent(result.clean.accuracy).toFixed(2)}% (${result.clean.count} images) · train ${percent(result.trainAccuracy).toFixed(2)}% · ${seconds.toFixed(0)} s`,
      );
      scored.push({ name: set.name, kind, label: entry.label, test, result, testCount: data.test.length });
    }
  }
  return scored;
}

const NOTE =
  'backbones.*: test accuracy (%) on the full FER2013 (28,709 train, 7,178 test) of each registry classifier with its defaults, in Node; ' +
  'baseline = the same classifier on raw pixels in the same run (the linear probe\'s raw-pixel figure is its own scenario, backbones.raw-pixel-probe: its C search on 2,304 inputs takes over an hour here). ' +
  'face-api networks: reference, not a clean baseline (their training faces may overlap FER2013).';

function records(scored: Scored[]): BenchRecord[] {
  const out: BenchRecord[] = [];
  for (const { name, kind, label, test, result, testCount } of scored) {
    const raw = scored.find((s) => s.name === 'raw-pixels' && s.kind === kind);
    const baseline = name === 'raw-pixels' || !raw ? undefined : { name: `raw pixels + ${label}`, value: raw.test };
    out.push(
      record({ name: `backbones.${name}.${kind}.test-accuracy`, unit: '%', n: testCount, samples: [test], note: NOTE }, baseline),
      record({ name: `backbones.${name}.${kind}.public-test-accuracy`, unit: '%', n: result.publicTest.count, samples: [percent(result.publicTest.accuracy)], note: NOTE }),
      record({ name: `backbones.${name}.${kind}.private-test-accuracy`, unit: '%', n: result.privateTest.count, samples: [percent(result.privateTest.accuracy)], note: NOTE }),
      record({ name: `backbones.${name}.${kind}.leak-free-accuracy`, unit: '%', n: result.clean.count, samples: [percent(result.clean.accuracy)], note: NOTE }),
    );
  }
  return out;
}

const RAW_PIXELS: FeatureSet = { name: 'raw-pixels', label: 'raw pixels', features: { kind: 'raw-pixels' } };

/** Every face-api backbone × every classifier, and the raw-pixel MLP and forest as their baselines (about 20 min here). */
async function backbonesAndBaselines(): Promise<BenchRecord[]> {
  const { datasetId, backbones } = await importWithEmbeddings(true);
  const plan = [...backbones.map((set) => ({ set, kinds: CLASSIFIERS })), { set: RAW_PIXELS, kinds: CLASSIFIERS.filter((k) => k !== 'linear-probe') }];
  return records(await score(datasetId, plan));
}

/** The linear probe on raw pixels: the paper's C search over 2,304 inputs, the slowest figure, so a scenario of its own. */
async function rawPixelProbe(): Promise<BenchRecord[]> {
  const { datasetId } = await importWithEmbeddings(false);
  return records(await score(datasetId, [{ set: RAW_PIXELS, kinds: ['linear-probe'] }]));
}

export const backboneScenarios: Scenario[] = [
  { name: 'backbones.accuracy-fer2013', run: backbonesAndBaselines },
  { name: 'backbones.raw-pixel-probe', run: rawPixelProbe },
];
