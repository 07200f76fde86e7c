/** Scores CLIP zero-shot on a stored dataset's test split from the cached image embeddings (worker-side). */
import { SPLITS } from '../dataset/faceSet';
import { getColumns } from '../dataset/storage';
import { EMOTION_COUNT } from '../lib/emotions';
import { scoreTestSplit } from '../dataset/testScores';
import type { Evaluation, SubsetScore } from '../lib/metrics';
import { loadStoredEmbeddings, type Representation } from './embeddingCache';
import { argmaxRows, classEmbeddings, zeroShotProbabilities, type ZeroShotScoring } from './zeroShot';

export interface ZeroShotResult {
  evaluation: Evaluation;
  /** test images scored (those embedded so far) of all test images */
  scored: number;
  testImages: number;
  publicTest: SubsetScore;
  privateTest: SubsetScore;
  /** without test images that also occur in train */
  clean: SubsetScore;
  /** per-class text embeddings (prompt means), [7, dim] */
  classVectors: Float32Array;
}

export async function zeroShotOnTest(
  datasetId: string,
  rep: Representation,
  promptEmbeddings: Float32Array,
  promptClass: number[],
  scoring?: ZeroShotScoring,
): Promise<ZeroShotResult> {
  const columns = await getColumns(datasetId);
  if (!columns) throw new Error('The dataset is no longer stored');
  const test = SPLITS.indexOf('test');
  const testIndices = columns.imageIds.flatMap((_, i) => (columns.splits[i] === test ? [i] : []));
  const { positions, vectors } = await loadStoredEmbeddings(rep, testIndices.map((i) => columns.imageIds[i]));
  if (positions.length === 0) throw new Error('No test image is embedded yet: embed the dataset first');
  const classVectors = classEmbeddings(promptEmbeddings, promptClass, EMOTION_COUNT, rep.dim);
  const predicted = argmaxRows(zeroShotProbabilities(vectors, classVectors, rep.dim, scoring), EMOTION_COUNT);
  const rows = positions.map((p) => testIndices[p]);
  const truth = rows.map((i) => columns.labels[i]);
  return {
    ...scoreTestSplit(truth, predicted, rows, columns, EMOTION_COUNT),
    scored: rows.length,
    testImages: testIndices.length,
    classVectors,
  };
}
