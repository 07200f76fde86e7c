/** Shuffles and the stratified validation split, shared by the classifiers (no tfjs here: the linear probe imports it). */
import { seededRandom } from '../lib/random';

export function shuffled(indices: number[], random: () => number): number[] {
  const out = [...indices];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Carves a stratified validation split from the training rows. */
export function validationSplit(labels: ArrayLike<number>, rows: number[], share: number, seed: number): { train: number[]; val: number[] } {
  const random = seededRandom(seed ^ 0x5bd1e995);
  const byClass = new Map<number, number[]>();
  for (const r of rows) {
    if (!byClass.has(labels[r])) byClass.set(labels[r], []);
    byClass.get(labels[r])!.push(r);
  }
  const train: number[] = [];
  const val: number[] = [];
  for (const members of [...byClass.entries()].sort(([a], [b]) => a - b).map(([, m]) => shuffled(m, random))) {
    const k = share > 0 ? Math.max(1, Math.round(members.length * share)) : 0;
    val.push(...members.slice(0, Math.min(k, members.length - 1)));
    train.push(...members.slice(Math.min(k, members.length - 1)));
  }
  return { train, val };
}
