import { describe, expect, it } from 'vitest';
import { withQuotaMessage } from './quota';

describe('withQuotaMessage', () => {
  it('says what could not be saved and what to do when storage is full', async () => {
    const full = () => Promise.reject(new DOMException('quota', 'QuotaExceededError'));
    await expect(withQuotaMessage('the embeddings', full)).rejects.toThrow(/storage is full, so the embeddings could not be saved .* Manage storage/);
  });
  it('passes other errors and results through unchanged', async () => {
    await expect(withQuotaMessage('x', () => Promise.reject(new Error('other')))).rejects.toThrow(/^other$/);
    await expect(withQuotaMessage('x', () => Promise.resolve(3))).resolves.toBe(3);
  });
});
