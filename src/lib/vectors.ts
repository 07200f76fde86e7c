/** Vector maths shared by every stage. Embeddings are rows of a flat Float32Array, `dim` values each. */

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`cosine of vectors of length ${a.length} and ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** L2-normalizes every row in place (a zero row stays zero) and returns the same array. */
export function l2NormalizeRows(values: Float32Array, dim: number): Float32Array {
  if (values.length % dim !== 0) throw new Error(`${values.length} values do not form rows of ${dim}`);
  for (let offset = 0; offset < values.length; offset += dim) {
    let sum = 0;
    for (let i = offset; i < offset + dim; i++) sum += values[i] * values[i];
    if (sum === 0) continue;
    const scale = 1 / Math.sqrt(sum);
    for (let i = offset; i < offset + dim; i++) values[i] *= scale;
  }
  return values;
}
