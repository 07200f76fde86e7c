/**
 * Orders a dataset so a stratified sample comes first: a CPU-only user can train and explore on the first few
 * thousand embeddings while the rest continue. The sample keeps each (split, label) group's share; order inside
 * a group is a seeded shuffle, so the same seed gives the same sample.
 */
export function stratifiedOrder(labels: ArrayLike<number>, splits: ArrayLike<number>, sampleSize: number, seed = 1): number[] {
  const { sample, rest } = stratifiedSample(labels, splits, sampleSize, seed);
  return [...sample, ...rest];
}

/** The sample (each group's share, at least one per group) and the rest, each in dataset order. */
export function stratifiedSample(labels: ArrayLike<number>, splits: ArrayLike<number>, sampleSize: number, seed = 1): { sample: number[]; rest: number[] } {
  const n = labels.length;
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const key = splits[i] * 256 + labels[i];
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  }
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const target = Math.min(sampleSize, n);
  const sample: number[] = [];
  const rest: number[] = [];
  for (const members of [...groups.entries()].sort(([a], [b]) => a - b).map(([, m]) => m)) {
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j], members[i]];
    }
    // Every non-empty group gets at least one place, so rare classes (disgust) are never left out of the sample.
    const share = Math.max(1, Math.round((members.length * target) / n));
    sample.push(...members.slice(0, share));
    rest.push(...members.slice(share));
  }
  return { sample: sample.sort((a, b) => a - b), rest: rest.sort((a, b) => a - b) };
}
