/** Nearest training faces of a classified face, by cosine similarity in embedding space (rows L2-normalized). */

/** The k rows of `vectors` ([n, dim], L2-normalized) most similar to `query` (L2-normalized), best first. */
export function nearestRows(vectors: Float32Array, dim: number, query: Float32Array, k: number): { row: number; similarity: number }[] {
  if (query.length !== dim) throw new Error(`The query has ${query.length} values, the vectors ${dim}`);
  const n = vectors.length / dim;
  const best: { row: number; similarity: number }[] = [];
  for (let r = 0; r < n; r++) {
    let dot = 0;
    for (let d = 0, o = r * dim; d < dim; d++, o++) dot += vectors[o] * query[d];
    if (best.length < k || dot > best[best.length - 1].similarity) {
      best.push({ row: r, similarity: dot });
      best.sort((a, b) => b.similarity - a.similarity);
      if (best.length > k) best.pop();
    }
  }
  return best;
}

/**
 * Where a classified face goes on a 2-D map of the training faces (t-SNE and the like cannot place a new point
 * without recomputing): the mean of its nearest neighbours' map positions, weighted by exp(similarity / 0.05) so
 * the closest count most. Approximate by nature: the map should mark it so. Neighbours not on the map are skipped.
 */
export function placeByNeighbours(neighbours: readonly { similarity: number; position?: readonly [number, number] }[]): [number, number] | undefined {
  const placed = neighbours.filter((n) => n.position);
  if (placed.length === 0) return undefined;
  const top = Math.max(...placed.map((n) => n.similarity));
  let x = 0;
  let y = 0;
  let total = 0;
  for (const n of placed) {
    const w = Math.exp((n.similarity - top) / 0.05);
    x += w * n.position![0];
    y += w * n.position![1];
    total += w;
  }
  return [x / total, y / total];
}
