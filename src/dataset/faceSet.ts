/** The shapes a decoded dataset takes, shared by the ingest worker, storage and the Dataset section. */

export const FACE_SIDE = 48;
export const FACE_AREA = FACE_SIDE * FACE_SIDE;

export const SPLITS = ['train', 'test'] as const;
export type Split = (typeof SPLITS)[number];
/** FER2013's Usage column; Kaggle's layout gives it by file-name prefix. */
export const SUBSETS = ['Training', 'PublicTest', 'PrivateTest'] as const;
export type Subset = (typeof SUBSETS)[number];

/** Per-image flags (bit set). */
export const FLAG_DUPLICATE_IN_SPLIT = 1;
export const FLAG_TEST_IN_TRAIN = 2;

export interface SkippedEntry {
  name: string;
  reason: string;
}

/** What the page lists and shows: small, always loaded. */
export interface FaceSetManifest {
  id: string;
  name: string;
  format: 'kaggle-folders' | 'fer2013-csv';
  createdAt: string;
  count: number;
  /** counts[split][label] */
  counts: Record<Split, number[]>;
  subsetCounts: Record<Subset, number>;
  /** images converted to 48×48 gray (other size or colour) */
  converted: number;
  /** images whose pixels repeat another image of the same split */
  duplicatesInSplit: number;
  /** test images whose pixels also occur in the training split */
  testInTrain: number;
  skipped: SkippedEntry[];
  chunkCount: number;
  chunkSize: number;
  ingestMs: number;
}

/** Per-image columns, in dataset order. */
export interface FaceSetColumns {
  imageIds: string[];
  sourceNames: string[];
  labels: Uint8Array;
  splits: Uint8Array;
  subsets: Uint8Array;
  flags: Uint8Array;
}
