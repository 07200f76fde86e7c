/**
 * Text prompts for the seven emotions. The paper embeds "A {emotion} human face" (adjectives: "A happy human face");
 * CLIP's authors average several phrasings per class ("prompt ensembling"), offered here as templates.
 */
import { EMOTIONS, type Emotion } from '../lib/emotions';

/** The adjective each class reads as inside a sentence. */
export const EMOTION_ADJECTIVES: Record<Emotion, string> = {
  angry: 'angry',
  disgust: 'disgusted',
  fear: 'fearful',
  happy: 'happy',
  sad: 'sad',
  surprise: 'surprised',
  neutral: 'neutral',
};

export const PAPER_TEMPLATE = 'A {} human face';

export const ENSEMBLE_TEMPLATES = [
  PAPER_TEMPLATE,
  'a photo of a {} face',
  'a close-up photo of a {} person',
  'a black and white photo of a {} face',
  'a low resolution photo of a {} face',
  'a face that looks {}',
  'a person feeling {}',
] as const;

/** One list of prompts per class, in label order. */
export function promptsFor(templates: readonly string[], adjectives: Record<Emotion, string> = EMOTION_ADJECTIVES): string[][] {
  const bad = templates.filter((t) => t.split('{}').length !== 2);
  if (bad.length) throw new Error(`Each template needs exactly one {} for the emotion: ${bad.map((t) => `"${t}"`).join(', ')}`);
  return EMOTIONS.map((emotion) => templates.map((t) => fillTemplate(t, adjectives[emotion])));
}

/** Fills {} and fixes the article before it ("A angry" → "An angry"), as the paper's sentences read. */
export function fillTemplate(template: string, adjective: string): string {
  const filled = template.replace('{}', adjective);
  return /^[aeiou]/i.test(adjective) ? filled.replace(new RegExp(`\\b([Aa]) (${adjective})`), '$1n $2') : filled;
}
