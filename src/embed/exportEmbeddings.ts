/**
 * A stored dataset's embeddings as an embeddings file: one row per distinct image, in the order the images first
 * occur in the dataset, with its label and split. The embed worker's export and the command line's output both
 * come from here, so a file computed on a GPU server and one exported from a browser are laid out alike.
 */
import { SPLITS } from '../dataset/faceSet';
import { getColumns } from '../dataset/storage';
import { loadStoredEmbeddings, type Representation } from './embeddingCache';
import { writeEmbeddingFile } from './embeddingFile';

export async function datasetEmbeddingFile(datasetId: string, rep: Representation): Promise<{ bytes: Uint8Array; count: number }> {
  const columns = await getColumns(datasetId);
  if (!columns) throw new Error('The dataset is no longer stored');
  const first = [...new Map(columns.imageIds.map((id, i) => [id, i] as const)).values()].sort((a, b) => a - b);
  const firstIds = first.map((i) => columns.imageIds[i]);
  const { positions, vectors } = await loadStoredEmbeddings(rep, firstIds);
  if (positions.length === 0) throw new Error('Nothing of this dataset is embedded with this model yet');
  const rows = positions.map((p) => first[p]);
  const bytes = writeEmbeddingFile(
    {
      representation: rep,
      imageIds: rows.map((i) => columns.imageIds[i]),
      labels: rows.map((i) => columns.labels[i]),
      splits: rows.map((i) => SPLITS[columns.splits[i]]),
    },
    vectors,
  );
  return { bytes, count: rows.length };
}
