/**
 * What each Explore view projects, built from the stored vectors (pure functions, used by the projection worker).
 *   images    every sampled image embedding
 *   centroids the mean image embedding of each emotion (the paper's figure 6)
 *   prompts   the text embeddings of the emotion prompts (figure 7)
 *   overlay   the centroids and each emotion's prompt together, a line joining each pair (figure 8)
 */
export type ViewKind = 'images' | 'centroids' | 'prompts' | 'overlay';

export const VIEWS: { kind: ViewKind; label: string; help: string }[] = [
  { kind: 'images', label: 'Images', help: 'Every sampled face’s image embedding, one dot each.' },
  { kind: 'centroids', label: 'Emotion centroids (fig. 6)', help: 'The mean image embedding of each emotion: seven points.' },
  { kind: 'prompts', label: 'Prompts (fig. 7)', help: 'The text embedding of each emotion prompt.' },
  { kind: 'overlay', label: 'Images and prompts (fig. 8)', help: 'Centroids and prompts mapped together, a line from each emotion’s centroid to its prompt.' },
];

/** Mean row of `vectors` (rows of `dim`). */
export function meanRow(vectors: Float32Array, dim: number): Float64Array {
  const n = vectors.length / dim;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let c = 0; c < dim; c++) mean[c] += vectors[i * dim + c];
  for (let c = 0; c < dim; c++) mean[c] /= n || 1;
  return mean;
}

/** A copy of `vectors` with their mean subtracted: the "centre each modality on its own mean" option. */
export function centreRows(vectors: Float32Array, dim: number): Float32Array {
  const mean = meanRow(vectors, dim);
  return vectors.map((v, t) => v - mean[t % dim]);
}

/** Per-class mean rows ([classes, dim]) and how many rows each class had. */
export function classMeans(vectors: Float32Array, dim: number, labels: ArrayLike<number>, classes: number): { means: Float32Array; counts: Int32Array } {
  const sums = new Float64Array(classes * dim);
  const counts = new Int32Array(classes);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    counts[c]++;
    for (let d = 0; d < dim; d++) sums[c * dim + d] += vectors[i * dim + d];
  }
  const means = new Float32Array(classes * dim);
  for (let c = 0; c < classes; c++) for (let d = 0; d < dim; d++) means[c * dim + d] = counts[c] ? sums[c * dim + d] / counts[c] : 0;
  return { means, counts };
}

export interface ViewInput {
  /** rows to project */
  vectors: Float32Array;
  dim: number;
  /** per row: its class (emotion) */
  labels: Uint8Array;
  /** per row: 0 image, 1 text */
  modality: Uint8Array;
  /** pairs of rows joined by a line */
  lines: [number, number][];
}

/**
 * The rows a view projects. `images`: the sampled image vectors with their labels; `allImages`: every embedded
 * image (for the centroids); `prompts`: text vectors with the class of each. With `centre`, image rows are
 * centred on the image mean and text rows on the text mean before anything else (means over what the view holds).
 */
export function buildView(
  kind: ViewKind,
  data: {
    dim: number;
    images: { vectors: Float32Array; labels: Uint8Array };
    allImages: { vectors: Float32Array; labels: Uint8Array };
    prompts?: { vectors: Float32Array; classOf: Uint8Array };
    classes: number;
  },
  centre: boolean,
): ViewInput {
  const { dim, classes } = data;
  const imageSide = (vectors: Float32Array) => (centre ? centreRows(vectors, dim) : vectors);
  if (kind === 'images') {
    const { vectors, labels } = data.images;
    return { vectors: imageSide(vectors), dim, labels, modality: new Uint8Array(labels.length), lines: [] };
  }
  const presentClasses = (counts: Int32Array) => Array.from({ length: classes }, (_, c) => c).filter((c) => counts[c] > 0);
  const centroids = () => {
    const all = imageSide(data.allImages.vectors);
    const { means, counts } = classMeans(all, dim, data.allImages.labels, classes);
    const present = presentClasses(counts);
    return { vectors: pickRows(means, dim, present), labels: Uint8Array.from(present) };
  };
  const prompts = () => {
    if (!data.prompts) throw new Error('This view needs the prompts’ text embeddings: load a backbone with a text tower in the Embed section');
    return data.prompts;
  };
  if (kind === 'centroids') {
    const c = centroids();
    return { ...c, dim, modality: new Uint8Array(c.labels.length), lines: [] };
  }
  if (kind === 'prompts') {
    const p = prompts();
    const vectors = centre ? centreRows(p.vectors, dim) : p.vectors;
    return { vectors, dim, labels: p.classOf, modality: new Uint8Array(p.classOf.length).fill(1), lines: [] };
  }
  // overlay: one text point per class (its prompts' mean), beside that class's centroid
  const c = centroids();
  const p = prompts();
  const text = classMeans(centre ? centreRows(p.vectors, dim) : p.vectors, dim, p.classOf, classes);
  const textClasses = presentClasses(text.counts).filter((cls) => c.labels.includes(cls));
  const textRows = pickRows(text.means, dim, textClasses);
  const vectors = new Float32Array(c.vectors.length + textRows.length);
  vectors.set(c.vectors);
  vectors.set(textRows, c.vectors.length);
  const n = c.labels.length;
  const labels = Uint8Array.from([...c.labels, ...textClasses]);
  const modality = Uint8Array.from(labels, (_, i) => (i < n ? 0 : 1));
  const lines = textClasses.map((cls, t): [number, number] => [c.labels.indexOf(cls), n + t]);
  return { vectors, dim, labels, modality, lines };
}

function pickRows(matrix: Float32Array, dim: number, rows: number[]): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => out.set(matrix.subarray(r * dim, (r + 1) * dim), i * dim));
  return out;
}

/** Mean 2-d position of the given map points: where a probe lands, "placed approximately by its nearest neighbours". */
export function meanPosition(positions: ArrayLike<number>, rows: ArrayLike<number>): [number, number] {
  let x = 0;
  let y = 0;
  for (let i = 0; i < rows.length; i++) {
    x += positions[2 * rows[i]];
    y += positions[2 * rows[i] + 1];
  }
  return [x / (rows.length || 1), y / (rows.length || 1)];
}
