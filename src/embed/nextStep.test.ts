import { describe, expect, it } from 'vitest';
import { embedButtonLabel, embedNextStep } from './nextStep';

describe('the Embed section’s next step', () => {
  it('follows what is true now, not the last status', () => {
    expect(embedNextStep({ modelReady: false, imported: false })).toMatch(/load CLIP/);
    expect(embedNextStep({ modelReady: true, datasetId: 'd', coverage: { embedded: 0, total: 384 }, imported: false })).toMatch(/^embed the dataset/);
    expect(embedNextStep({ modelReady: true, datasetId: 'd', coverage: { embedded: 100, total: 384 }, imported: false })).toMatch(/^continue embedding/);
    const done = embedNextStep({ modelReady: true, datasetId: 'd', coverage: { embedded: 384, total: 384 }, imported: false });
    expect(done).not.toMatch(/embed the dataset|load CLIP/);
    expect(done).toMatch(/Train/);
    expect(embedNextStep({ modelReady: false, datasetId: 'd', coverage: { embedded: 384, total: 384 }, imported: true })).toMatch(/^train a classifier on the imported/);
  });

  it('offers “Continue embedding” only part-way', () => {
    expect(embedButtonLabel(undefined)).toBe('Embed dataset');
    expect(embedButtonLabel({ embedded: 0, total: 384 })).toBe('Embed dataset');
    expect(embedButtonLabel({ embedded: 100, total: 384 })).toBe('Continue embedding');
    expect(embedButtonLabel({ embedded: 384, total: 384 })).toBe('Embed dataset');
  });
});
