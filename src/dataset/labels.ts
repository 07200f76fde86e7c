/**
 * Maps FER2013 class names, as folder names or CSV labels, to label indices (src/lib/emotions.ts order).
 * Case-insensitive with the usual synonyms; anything else is left unmapped so the caller can report it.
 */
import { EMOTIONS, type Emotion } from '../lib/emotions';

const SYNONYMS: Record<string, Emotion> = {
  angry: 'angry',
  anger: 'angry',
  mad: 'angry',
  disgust: 'disgust',
  disgusted: 'disgust',
  fear: 'fear',
  fearful: 'fear',
  afraid: 'fear',
  scared: 'fear',
  happy: 'happy',
  happiness: 'happy',
  joy: 'happy',
  sad: 'sad',
  sadness: 'sad',
  surprise: 'surprise',
  surprised: 'surprise',
  neutral: 'neutral',
  calm: 'neutral',
};

/** Label index for a class name ("Angry", "surprised", "3_happy" is not one), or undefined. */
export function labelOf(name: string): number | undefined {
  const emotion = SYNONYMS[name.trim().toLowerCase()];
  return emotion === undefined ? undefined : EMOTIONS.indexOf(emotion);
}
