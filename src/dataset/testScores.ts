/** FER2013's test-split figures (its PublicTest / PrivateTest halves, its leaked images) on top of lib/metrics. */
import { evaluate, subsetAccuracy, type Evaluation, type SubsetScore } from '../lib/metrics';
import { FLAG_TEST_IN_TRAIN, SUBSETS } from './faceSet';

/**
 * The figures every classifier reports on FER2013's test split: overall, on the PublicTest and PrivateTest halves
 * (the paper's 3,589-image test set is one of them), and without the test images that also occur in train.
 * `images[j]` is the dataset position of test prediction j.
 */
export function scoreTestSplit(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  images: ArrayLike<number>,
  columns: { subsets: ArrayLike<number>; flags: ArrayLike<number> },
  classCount: number,
): { evaluation: Evaluation; publicTest: SubsetScore; privateTest: SubsetScore; clean: SubsetScore } {
  const subset = (name: (typeof SUBSETS)[number]) => (j: number) => columns.subsets[images[j]] === SUBSETS.indexOf(name);
  return {
    evaluation: evaluate(truth, predicted, classCount),
    publicTest: subsetAccuracy(truth, predicted, subset('PublicTest')),
    privateTest: subsetAccuracy(truth, predicted, subset('PrivateTest')),
    clean: subsetAccuracy(truth, predicted, (j) => !(columns.flags[images[j]] & FLAG_TEST_IN_TRAIN)),
  };
}
