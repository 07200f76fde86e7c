import { describe, expect, it } from 'vitest';
import { promptsFor, PAPER_TEMPLATE } from './prompts';
import { argmaxRows, classEmbeddings, zeroShotProbabilities } from './zeroShot';

describe('prompts', () => {
  it('makes the paper’s prompts in label order', () => {
    const prompts = promptsFor([PAPER_TEMPLATE]);
    expect(prompts.map((p) => p[0])).toEqual([
      'An angry human face',
      'A disgusted human face',
      'A fearful human face',
      'A happy human face',
      'A sad human face',
      'A surprised human face',
      'A neutral human face',
    ]);
  });
  it('fixes the article before a vowel', () => {
    expect(promptsFor(['a photo of a {} face'])[0][0]).toBe('a photo of an angry face');
  });
  it('refuses a template without exactly one {}', () => {
    expect(() => promptsFor(['a face'])).toThrow(/exactly one \{\}.*"a face"/);
  });
});

describe('zero-shot', () => {
  it('averages prompts per class and classifies by the nearest class', () => {
    // 2-d: class 0 prompts point along x, class 1 along y.
    const prompts = new Float32Array([1, 0, 0.8, 0.6, 0, 1]);
    const classes = classEmbeddings(prompts, [0, 0, 1], 2, 2);
    expect(Math.hypot(classes[0], classes[1])).toBeCloseTo(1);
    expect(classes[0]).toBeGreaterThan(classes[1]);
    const images = new Float32Array([0.9, 0.1, 0.1, 0.9, 0.6, 0.8]);
    const probs = zeroShotProbabilities(images, classes, 2);
    expect(Array.from(argmaxRows(probs, 2))).toEqual([0, 1, 0]);
    expect(probs[0] + probs[1]).toBeCloseTo(1);
    expect(probs[0]).toBeGreaterThan(0.99);
  });
  it('refuses a class without prompts', () => {
    expect(() => classEmbeddings(new Float32Array([1, 0]), [0], 2, 2)).toThrow(/Class 1 has no prompt/);
  });
});

describe('SigLIP’s sigmoid scoring', () => {
  it('scores each class on its own as sigmoid(scale × cosine + bias), and predicts the highest', () => {
    const classes = new Float32Array([1, 0, 0, 1]);
    const images = new Float32Array([0.8, 0.6, 0.6, 0.8]);
    const scoring = { scoring: 'sigmoid', logitScale: 10, logitBias: -5 } as const;
    const probs = zeroShotProbabilities(images, classes, 2, scoring);
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    expect(Array.from(probs)).toEqual([sigmoid(10 * 0.8 - 5), sigmoid(10 * 0.6 - 5), sigmoid(10 * 0.6 - 5), sigmoid(10 * 0.8 - 5)].map(Math.fround));
    // not a distribution over the classes
    expect(probs[0] + probs[1]).not.toBeCloseTo(1);
    // the order of the cosines, so the same prediction as CLIP's softmax
    expect(Array.from(argmaxRows(probs, 2))).toEqual(Array.from(argmaxRows(zeroShotProbabilities(images, classes, 2), 2)));
  });
});
