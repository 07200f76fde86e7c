/**
 * Test data for classifiers: seven seeded Gaussian blobs laid out as loadTrainingData lays out a dataset (train rows
 * first, then test rows; PublicTest and PrivateTest alternating in the test half). Centres are uniform in
 * [-spread/2, spread/2) per dimension, each point off its centre by noise × uniform[-0.5, 0.5).
 */
import { EMOTION_COUNT } from '../lib/emotions';
import { seededRandom } from '../lib/random';
import type { TrainingData } from './trainingData';

export function gaussianBlobs(perClass: number, { dim, seed, spread, noise }: { dim: number; seed: number; spread: number; noise: number }): TrainingData {
  const random = seededRandom(seed);
  const centres = Array.from({ length: EMOTION_COUNT }, () => Array.from({ length: dim }, () => random() * spread - spread / 2));
  const n = perClass * EMOTION_COUNT * 2;
  const x = new Float32Array(n * dim);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % EMOTION_COUNT;
    for (let j = 0; j < dim; j++) x[i * dim + j] = centres[labels[i]][j] + noise * (random() - 0.5);
  }
  const rows = Array.from({ length: n }, (_, i) => i);
  const columns = {
    imageIds: rows.map(String),
    sourceNames: rows.map(String),
    labels,
    splits: Uint8Array.from(rows, (i) => (i < n / 2 ? 0 : 1)),
    subsets: Uint8Array.from(rows, (i) => (i < n / 2 ? 0 : i % 2 ? 1 : 2)),
    flags: new Uint8Array(n),
  };
  return { x, dim, rows, columns, labels, train: rows.slice(0, n / 2), test: rows.slice(n / 2) };
}
