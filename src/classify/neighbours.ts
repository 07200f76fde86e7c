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
