import { describe, expect, it } from 'vitest';
import { downloadFailureMessage } from './modelFiles';

describe('a failed model download', () => {
  const hub = 'https://huggingface.co/Xenova/clip-vit-base-patch32/resolve/main/onnx/vision_model_quantized.onnx';

  it('names the routes that work offline: files from disk and a mirror URL', () => {
    const message = downloadFailureMessage(hub, 'Failed to fetch', false);
    expect(message).toMatch(/^Could not download https:\/\/huggingface\.co\/.*: Failed to fetch\. Check the connection and retry; without a network,/);
    expect(message).toMatch(/“Files on this computer”.*\.onnx files and tokenizer\.json/);
    expect(message).toMatch(/“Self-hosted mirror \(URL\)”/);
    expect(message).not.toMatch(/\/models\//);
  });

  it('on the dev server, also the generated test models it serves', () => {
    expect(downloadFailureMessage(hub, 'Failed to fetch', true)).toMatch(/on this dev server, the mirror URL \/models\/tiny\//);
  });

  it('after a failed mirror, suggests another mirror', () => {
    expect(downloadFailureMessage('https://models.example.org/clip/onnx/text_model.onnx', '', false)).toMatch(/network error\. .*another “Self-hosted mirror/);
  });
});
