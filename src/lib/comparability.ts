/**
 * Whether a result can stand beside the paper's figures. The paper trained on FER2013's whole training split and
 * tested on its whole test split with OpenAI's CLIP weights; a number measured on a subset (fer2013-mini's 385
 * faces) or with a generated test model (random weights, `npm run models`) is real but not comparable, and every
 * place that shows one beside the paper says so with the same caveats. Pure: Train, Explore, Results and the
 * report all read it.
 */

/** FER2013's test split (PublicTest 3,589 + PrivateTest 3,589): what the paper's test accuracies are measured on. */
export const FER2013_TEST_IMAGES = 7_178;

/** What the generated test models write as the ONNX producer_name (scripts/testmodels/onnx.ts). */
export const TEST_MODEL_PRODUCER = 'facet-testmodels';

/**
 * The folders the dev and preview servers serve the generated test models from (`/models/<preset>/`): how runs
 * stored before the producer check are still recognised. A self-hosted mirror of a real checkpoint lives elsewhere.
 */
const TEST_MODEL_URL = /\/models\/(tiny|siglip-tiny|vit-b-32|e2e-[\w-]+)\/$/;

/**
 * Whether model file bytes come from Facet's test-model generator: an ONNX ModelProto starts with its ir_version
 * (field 1) and producer_name (field 2), so the producer sits within the first few bytes, read without parsing
 * the rest of a file of hundreds of megabytes.
 */
export function isGeneratedTestModelFile(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 64);
  // field 2, wire type 2 (length-delimited): tag 0x12, then the length as one varint byte
  for (let i = 0; i + 2 < head.length; i++) {
    if (head[i] !== 0x12 || head[i + 1] !== TEST_MODEL_PRODUCER.length) continue;
    const name = String.fromCharCode(...head.subarray(i + 2, i + 2 + TEST_MODEL_PRODUCER.length));
    if (name === TEST_MODEL_PRODUCER) return true;
  }
  return false;
}

/** The model part of a representation (structurally: lib knows no embed types). */
export interface ModelIdentity {
  model?: string;
  /** set when the loaded file's producer is the test-model generator */
  randomWeights?: boolean;
}

export const isGeneratedTestModel = (rep: ModelIdentity | undefined): boolean =>
  Boolean(rep && (rep.randomWeights || (rep.model !== undefined && TEST_MODEL_URL.test(rep.model))));

export type CaveatKind = 'subset' | 'test-model';

export interface Caveat {
  kind: CaveatKind;
  /** the badge's words */
  label: string;
  /** why the number is not the paper's, in a sentence */
  detail: string;
}

/**
 * The caveats of a result: `testImages` it was scored on (a subset when fewer than FER2013's test split) and the
 * representation it was computed from (none for raw pixels). An empty list: comparable with the paper.
 */
export function resultCaveats(input: { testImages: number; rep?: ModelIdentity }): Caveat[] {
  const caveats: Caveat[] = [];
  if (input.testImages < FER2013_TEST_IMAGES) {
    caveats.push({
      kind: 'subset',
      label: 'Subset',
      detail: `Tested on ${input.testImages.toLocaleString('en-US')} images, not FER2013’s ${FER2013_TEST_IMAGES.toLocaleString('en-US')}: not comparable with the paper.`,
    });
  }
  if (isGeneratedTestModel(input.rep)) {
    caveats.push({
      kind: 'test-model',
      label: 'Test model',
      detail: 'Embedded by a generated test model with random weights, not CLIP: not comparable with the paper.',
    });
  }
  return caveats;
}

/** The runs of the active dataset, and how many others are kept (with no active dataset, all are shown). */
export function runsOfDataset<R extends { datasetId: string }>(runs: readonly R[], datasetId: string | undefined): { shown: R[]; otherDatasets: number } {
  if (datasetId === undefined) return { shown: [...runs], otherDatasets: 0 };
  const shown = runs.filter((r) => r.datasetId === datasetId);
  return { shown, otherDatasets: runs.length - shown.length };
}
