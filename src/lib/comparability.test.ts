import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FER2013_TEST_IMAGES, isGeneratedTestModel, isGeneratedTestModelFile, resultCaveats, runsOfDataset } from './comparability';

const kinds = (input: Parameters<typeof resultCaveats>[0]) => resultCaveats(input).map((c) => c.kind);

describe('resultCaveats', () => {
  it('has none for the whole test split with a real checkpoint, or raw pixels', () => {
    expect(kinds({ testImages: FER2013_TEST_IMAGES, rep: { model: 'Xenova/clip-vit-base-patch32' } })).toEqual([]);
    expect(kinds({ testImages: FER2013_TEST_IMAGES })).toEqual([]);
  });

  it('marks a subset (fer2013-mini’s 77 test faces) with its size', () => {
    const [subset] = resultCaveats({ testImages: 77 });
    expect(subset.kind).toBe('subset');
    expect(subset.detail).toMatch(/77 images, not FER2013’s 7,178/);
  });

  it('marks a generated test model by its producer flag or by the folder the servers serve it from', () => {
    expect(kinds({ testImages: FER2013_TEST_IMAGES, rep: { model: 'local:vision.onnx(1)', randomWeights: true } })).toEqual(['test-model']);
    expect(kinds({ testImages: 77, rep: { model: 'http://127.0.0.1:4173/models/tiny/' } })).toEqual(['subset', 'test-model']);
    expect(isGeneratedTestModel({ model: 'https://mirror.example.org/models/clip-vit-base-patch32/' })).toBe(false);
    expect(isGeneratedTestModel({ model: 'face-api-expression' })).toBe(false);
  });
});

describe('isGeneratedTestModelFile', () => {
  it('reads the generator’s producer name at the head of an ONNX file, and nothing else', () => {
    const head = (producer: string) => Uint8Array.from([0x08, 0x08, 0x12, producer.length, ...Buffer.from(producer), 0x1a, 0x01, 0x31]);
    expect(isGeneratedTestModelFile(head('facet-testmodels'))).toBe(true);
    expect(isGeneratedTestModelFile(head('pytorch'))).toBe(false);
    expect(isGeneratedTestModelFile(new Uint8Array(10))).toBe(false);
  });

  it('recognises the generated tiny model on disk when it is there (npm run models -- tiny)', () => {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync('models/tiny/onnx/vision_model_quantized.onnx');
    } catch {
      return; // not generated in this checkout: the synthetic head above covers the format
    }
    expect(isGeneratedTestModelFile(bytes)).toBe(true);
  });
});

describe('runsOfDataset', () => {
  const runs = [{ datasetId: 'a' }, { datasetId: 'b' }, { datasetId: 'a' }];
  it('keeps the active dataset’s runs and counts the others', () => {
    expect(runsOfDataset(runs, 'a')).toEqual({ shown: [runs[0], runs[2]], otherDatasets: 1 });
  });
  it('shows every run while no dataset is active', () => {
    expect(runsOfDataset(runs, undefined)).toEqual({ shown: runs, otherDatasets: 0 });
  });
});
