import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { confusionTint, EMOTION_COLOURS, EMOTIONS } from '../lib/emotions';

const tokens = readFileSync(new URL('./tokens.css', import.meta.url), 'utf8');

describe('design tokens', () => {
  it('the CSS declares each emotion in the colour the map, its exports and the report use', () => {
    for (const emotion of EMOTIONS) expect(tokens).toContain(`--emotion-${emotion}: ${EMOTION_COLOURS[emotion]};`);
  });

  it('the confusion heatmap’s strongest cells are strongly tinted (the app showed ~21%)', () => {
    expect(confusionTint(60, 100)).toBe(54);
    expect(confusionTint(100, 100)).toBe(90);
    expect(confusionTint(0, 100)).toBe(0);
    expect(confusionTint(3, 0)).toBe(0);
  });
});
