/**
 * The classifier registry: one line per classifier. The train worker's job, the stores, the Results rows, the
 * report and the storage panel all read this list; a new classifier is one file beside this one plus its line here.
 */
import { forestClassifier } from './forest';
import { linearProbeClassifier } from './linearProbe';
import { mlpClassifier } from './mlp';
import type { AnyClassifier, ClassifierKind } from './types';

export type { AnyClassifier, Classifier, ClassifierKind } from './types';

export const CLASSIFIERS: readonly AnyClassifier[] = [mlpClassifier, forestClassifier, linearProbeClassifier];

export function classifierOf(kind: ClassifierKind): AnyClassifier {
  const entry = CLASSIFIERS.find((c) => c.kind === kind);
  if (!entry) throw new Error(`No classifier "${kind}" in the registry`);
  return entry;
}
