import { describe, expect, it } from 'vitest';
import { checkEncoderInterface } from './modelInterface';
import { defaultPrecision, hubSource, mirrorSource, modelFileUrl } from './modelSource';

describe('model sources', () => {
  it('builds the hub URL form {hub}/{repo}/resolve/main/{file}', () => {
    const source = hubSource('Xenova/clip-vit-base-patch32');
    expect(modelFileUrl(source, 'vision', 'quantized')).toBe(
      'https://huggingface.co/Xenova/clip-vit-base-patch32/resolve/main/onnx/vision_model_quantized.onnx',
    );
    expect(modelFileUrl(source, 'text', 'fp32')).toBe(
      'https://huggingface.co/Xenova/clip-vit-base-patch32/resolve/main/onnx/text_model.onnx',
    );
  });

  it('resolves a mirror relative to the page and keeps its folder', () => {
    const source = mirrorSource('/models/tiny', 'http://127.0.0.1:4173/index.html');
    expect(modelFileUrl(source, 'text', 'fp16')).toBe('http://127.0.0.1:4173/models/tiny/onnx/text_model_fp16.onnx');
  });

  it('refuses names and URLs that are not sources', () => {
    expect(() => hubSource('../../etc')).toThrow(/not a Hugging Face repo/);
    expect(() => mirrorSource('file:///tmp/models', 'http://localhost/')).toThrow(/http\(s\)/);
  });

  it('defaults to int8 on WASM and fp16 only where WebGPU has shader-f16', () => {
    expect(defaultPrecision('wasm', true)).toBe('quantized');
    expect(defaultPrecision('webgpu', true)).toBe('fp16');
    expect(defaultPrecision('webgpu', false)).toBe('fp32');
  });
});

describe('checkEncoderInterface', () => {
  const pixel = { name: 'pixel_values', type: 'float32', shape: ['batch_size', 3, 224, 224] };
  it('accepts the CLIP vision interface and reads the width, 512 or 768', () => {
    const out = { name: 'image_embeds', type: 'float32', shape: ['batch_size', 768] };
    expect(checkEncoderInterface('vision', [pixel], [out])).toMatchObject({ dim: 768, imageSize: 224 });
  });
  it('accepts the CLIP text interface', () => {
    const ids = { name: 'input_ids', type: 'int64', shape: ['batch_size', 'sequence_length'] };
    const out = { name: 'text_embeds', type: 'float32', shape: ['batch_size', 512] };
    expect(checkEncoderInterface('text', [ids], [out]).dim).toBe(512);
  });
  it('refuses a text model loaded as a vision model, naming what it found', () => {
    const ids = { name: 'input_ids', type: 'int64', shape: ['batch_size', 'sequence_length'] };
    expect(() => checkEncoderInterface('vision', [ids], [])).toThrow(
      /Not a CLIP vision encoder: no input named pixel_values.*inputs input_ids int64 \[batch_size, sequence_length\]/,
    );
  });
  it('refuses an extra attention_mask input and a wrong dtype', () => {
    const ids = { name: 'input_ids', type: 'int64', shape: ['b', 's'] };
    const mask = { name: 'attention_mask', type: 'int64', shape: ['b', 's'] };
    const out = { name: 'text_embeds', type: 'float32', shape: ['b', 512] };
    expect(() => checkEncoderInterface('text', [ids, mask], [out])).toThrow(/extra input attention_mask/);
    expect(() => checkEncoderInterface('vision', [{ ...pixel, type: 'int32' }], [out])).toThrow(/int32, not float32 or float16/);
  });
});
