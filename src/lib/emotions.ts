/** FER2013's seven classes, in the challenge's label order (fer2013.csv: emotion 0..6). */
export const EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;
export type Emotion = (typeof EMOTIONS)[number];
export const EMOTION_COUNT = EMOTIONS.length;
