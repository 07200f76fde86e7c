import { describe, expect, it } from 'vitest';
import type { Representation } from '../embed/embeddingCache';
import type { RunRecord } from '../train/runs';
import { chosenRun, planPrediction, runLabel } from './runChoice';

const B32: Representation = { kind: 'clip', model: 'Xenova/clip-vit-base-patch32', precision: 'quantized', dim: 512 };
const L14: Representation = { kind: 'clip', model: 'Xenova/clip-vit-large-patch14', precision: 'quantized', dim: 768 };

function run(id: string, featureKind: 'clip' | 'raw-pixels', rep?: Representation): RunRecord {
  return {
    id,
    createdAt: `2026-11-25T10:00:0${id.length}Z`,
    datasetId: 'd',
    datasetName: 'fer2013.zip',
    featureKind,
    rep,
    result: { settings: { hidden: [512] }, test: { accuracy: 0.7 } } as unknown as RunRecord['result'],
  };
}

describe('which run classifies', () => {
  const runs = [run('a', 'clip', B32), run('bb', 'raw-pixels'), run('ccc', 'clip', L14), run('dddd', 'clip', B32)];

  it('by default, the latest run on the loaded model, else the latest raw-pixel run', () => {
    expect(chosenRun(undefined, runs, B32)?.id).toBe('dddd');
    expect(chosenRun(undefined, runs, L14)?.id).toBe('ccc');
    expect(chosenRun(undefined, runs, undefined)?.id).toBe('bb');
    expect(chosenRun('', runs, B32)).toBeUndefined();
    expect(chosenRun('a', runs, L14)?.id).toBe('a');
  });

  it('feeds embeddings to a CLIP run and pixels to a raw-pixel run', () => {
    expect(planPrediction(undefined, runs, B32, true)).toMatchObject({ run: { id: 'dddd' }, features: 'embedding' });
    expect(planPrediction('bb', runs, B32, true)).toMatchObject({ run: { id: 'bb' }, features: 'pixels' });
  });

  it('refuses a run trained on another model, naming both', () => {
    const plan = planPrediction('a', runs, L14, true);
    expect('note' in plan && plan.note).toMatch(/was trained on CLIP ViT-B\/32 Xenova\/clip-vit-base-patch32 \(quantized, 512-d\), but the loaded model is CLIP ViT-L\/14 Xenova\/clip-vit-large-patch14 \(quantized, 768-d\): its embeddings do not fit/);
  });

  it('says what to do without a trained run or without CLIP', () => {
    const none = planPrediction(undefined, [], B32, true);
    expect('note' in none && none.note).toBe('No trained model yet: embed the dataset and train an MLP on CLIP ViT-B/32 embeddings in the Train section. Meanwhile CLIP ViT-B/32 zero-shot is shown.');
    const noClip = planPrediction('a', runs, undefined, false);
    expect('note' in noClip && noClip.note).toMatch(/needs CLIP ViT-B\/32 Xenova\/clip-vit-base-patch32 .*: load it in the Embed section/);
    const gone = planPrediction('zzz', runs, B32, true);
    expect('note' in gone && gone.note).toMatch(/no longer stored/);
  });

  it('names a run on face-api features after the network, and says there is no zero-shot to fall back on', () => {
    const FACE_API: Representation = { kind: 'face-api-expression', model: 'face-api-expression', precision: 'fp32', dim: 256 };
    const faceApiRuns = [run('e', 'clip', FACE_API)];
    expect(runLabel(faceApiRuns[0])).toMatch(/^face-api expression network MLP 512, 70\.0% test, fer2013\.zip, /);
    expect(planPrediction(undefined, faceApiRuns, FACE_API, false)).toMatchObject({ run: { id: 'e' }, features: 'embedding' });
    const other = planPrediction('e', faceApiRuns, B32, true);
    expect('note' in other && other.note).toMatch(/^face-api expression network MLP 512, .* was trained on face-api expression network \(fp32, 256-d\), but the loaded model is CLIP ViT-B\/32 /);
    const none = planPrediction(undefined, [], FACE_API, false);
    expect('note' in none && none.note).toBe('No trained model yet: embed the dataset and train an MLP on face-api expression network embeddings in the Train section.');
    const zeroShotOnly = planPrediction('', faceApiRuns, FACE_API, false);
    expect('note' in zeroShotOnly && zeroShotOnly.note).toBe('No trained model chosen: choose one to classify the faces.');
  });
});
