import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEncoder, runEncoder, type Encoder } from './encoder';

// onnxruntime-web's WASM backend runs in Node too, on the tiny CLIP-shaped model.
const bytes = () => new Uint8Array(readFileSync('models/tiny/onnx/vision_model.onnx'));
const image = () => new Float32Array(3 * 224 * 224).map((_, i) => Math.sin(i / 500));

describe('encoder', () => {
  it('moves to WASM and reruns the batch when WebGPU fails at run time', async () => {
    const reference = await createEncoder('vision', bytes(), 'wasm', 1);
    const expected = await runEncoder(reference, image(), [1, 3, 224, 224]);
    // An encoder whose WebGPU session dies on its next run, as a lost device does.
    const failing: Encoder = {
      ...reference,
      backend: { kind: 'webgpu', adapter: 'test adapter' },
      bytes: bytes(),
      session: { run: () => Promise.reject(new Error('GPU device was lost')), release: () => Promise.resolve() } as unknown as Encoder['session'],
    };
    const output = await runEncoder(failing, image(), [1, 3, 224, 224]);
    expect(Array.from(output)).toEqual(Array.from(expected));
    expect(failing.backend.kind).toBe('wasm');
    expect(failing.backend.fallbackReason).toMatch(/WebGPU failed while running \(GPU device was lost\); switched to WASM/);
    expect(failing.bytes).toBeUndefined();
  });

  it('does not hide a failure on WASM', async () => {
    const encoder = await createEncoder('vision', bytes(), 'wasm', 1);
    await expect(runEncoder(encoder, new Float32Array(10), [1, 3, 224, 224])).rejects.toThrow();
  });
});
