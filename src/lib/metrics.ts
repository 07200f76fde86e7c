/**
 * Classification metrics as the paper and the Results table report them. Pure functions over label arrays
 * (0..classCount-1), so the same code scores MLPs, forests, zero-shot and imported predictions.
 */

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** true instances of the class */
  support: number;
}

export interface Evaluation {
  accuracy: number;
  count: number;
  /** confusion[t * classCount + p]: true class t predicted as p */
  confusion: Uint32Array;
  perClass: ClassMetrics[];
  macroF1: number;
}

export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, classCount: number): Uint32Array {
  if (truth.length !== predicted.length) throw new Error(`${truth.length} labels but ${predicted.length} predictions`);
  const m = new Uint32Array(classCount * classCount);
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    const p = predicted[i];
    if (!(t >= 0 && t < classCount && p >= 0 && p < classCount)) throw new Error(`label out of range at ${i}: ${t} → ${p}`);
    m[t * classCount + p]++;
  }
  return m;
}

/** Precision/recall of a class with no predictions (or no instances) is 0, as scikit-learn reports with zero_division=0. */
export function evaluate(truth: ArrayLike<number>, predicted: ArrayLike<number>, classCount: number): Evaluation {
  const confusion = confusionMatrix(truth, predicted, classCount);
  let correct = 0;
  const perClass: ClassMetrics[] = [];
  for (let c = 0; c < classCount; c++) {
    correct += confusion[c * classCount + c];
    let predictedAs = 0;
    let support = 0;
    for (let k = 0; k < classCount; k++) {
      predictedAs += confusion[k * classCount + c];
      support += confusion[c * classCount + k];
    }
    const tp = confusion[c * classCount + c];
    const precision = predictedAs ? tp / predictedAs : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass.push({ precision, recall, f1, support });
  }
  const count = truth.length;
  return {
    accuracy: count ? correct / count : NaN,
    count,
    confusion,
    perClass,
    macroF1: perClass.reduce((s, m) => s + m.f1, 0) / classCount,
  };
}

/** Accuracy on the rows where `include` is true (a test subset such as PublicTest, or non-leaked images). */
export function subsetAccuracy(truth: ArrayLike<number>, predicted: ArrayLike<number>, include: (i: number) => boolean): { accuracy: number; count: number } {
  let correct = 0;
  let count = 0;
  for (let i = 0; i < truth.length; i++) {
    if (!include(i)) continue;
    count++;
    if (truth[i] === predicted[i]) correct++;
  }
  return { accuracy: count ? correct / count : NaN, count };
}

export interface SubsetScore {
  accuracy: number;
  count: number;
}
