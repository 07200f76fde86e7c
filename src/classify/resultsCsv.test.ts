import { describe, expect, it } from 'vitest';
import { classificationCsv } from './resultsCsv';
import type { Face } from './store';

const face = (over: Partial<Face>): Face => ({ key: 'k', label: 'l', source: 'detected', crop: { cx: 100.04, cy: 80, size: 120, angle: -3.256 }, busy: false, ...over });

describe('classificationCsv', () => {
  it('writes one row per face and classifier, with the crop and the seven probabilities', () => {
    const mlp = { model: 'CLIP MLP 32, 61.2% test', runId: 'r1', probabilities: [0.1, 0, 0.05, 0.7, 0.05, 0.05, 0.05] };
    const zeroShot = { prompts: 'A {} human face', family: 'SigLIP', probabilities: [0.02, 0.01, 0.02, 0.05, 0.1, 0.3, 0.5] };
    const csv = classificationCsv('group, "party".jpg', [face({ score: 0.98765, prediction: { mlp, zeroShot } }), face({ source: 'drawn', prediction: { zeroShot } })]);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('photo,face,source,detector_score,crop_cx,crop_cy,crop_side,crop_angle,classifier,model,predicted,p_angry,p_disgust,p_fear,p_happy,p_sad,p_surprise,p_neutral');
    expect(lines.slice(1)).toEqual([
      '"group, ""party"".jpg",1,detected,0.9877,100,80,120,-3.26,mlp,"CLIP MLP 32, 61.2% test",happy,0.1,0,0.05,0.7,0.05,0.05,0.05',
      '"group, ""party"".jpg",1,detected,0.9877,100,80,120,-3.26,zero-shot,SigLIP A {} human face,neutral,0.02,0.01,0.02,0.05,0.1,0.3,0.5',
      '"group, ""party"".jpg",2,drawn,,100,80,120,-3.26,zero-shot,SigLIP A {} human face,neutral,0.02,0.01,0.02,0.05,0.1,0.3,0.5',
    ]);
  });

  it('leaves out faces not classified yet', () => {
    expect(classificationCsv('a.jpg', [face({ busy: true })]).trimEnd().split('\n')).toHaveLength(1);
  });
});
