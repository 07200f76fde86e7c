/**
 * What the Embed section offers next, from what is true now (model loaded, dataset, embedded share) rather than
 * from the last status: "Next: embed the dataset" stayed after everything was embedded, "Next: load CLIP" with
 * CLIP loaded, and "Continue embedding" at 384 of 384.
 */
export interface EmbedFacts {
  modelReady: boolean;
  datasetId?: string;
  coverage?: { embedded: number; total: number };
  /** embeddings imported from a file, usable without loading the model */
  imported: boolean;
}

const complete = (c: EmbedFacts['coverage']) => c !== undefined && c.total > 0 && c.embedded >= c.total;

/** The cue shown while the rest of the dataset embeds after the stratified sample (Embed and Explore). */
export const sampleReadyMessage = (images: number) =>
  `The stratified sample (${images.toLocaleString('en-US')} images) is embedded — you can map it in Explore and train on it now, while the rest embeds.`;

export function embedNextStep(facts: EmbedFacts): string {
  if (!facts.modelReady) {
    if (facts.imported && complete(facts.coverage)) return 'train a classifier on the imported embeddings, or load CLIP for zero-shot and Classify.';
    return 'choose a model source and load CLIP.';
  }
  if (!facts.datasetId) return 'import a dataset in the Dataset section, then embed it.';
  if (complete(facts.coverage)) return 'train a classifier in the Train section, or map the embeddings in Explore.';
  if (facts.coverage && facts.coverage.embedded > 0) return 'continue embedding the rest, or train on what is embedded so far.';
  return 'embed the dataset, then train a classifier.';
}

/** The embed button: "Continue embedding" only while part of the dataset is embedded. */
export function embedButtonLabel(coverage: EmbedFacts['coverage']): string {
  return coverage && coverage.embedded > 0 && !complete(coverage) ? 'Continue embedding' : 'Embed dataset';
}
