/** FER2013's seven classes, in the challenge's label order (fer2013.csv: emotion 0..6). */
export const EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;
export type Emotion = (typeof EMOTIONS)[number];
export const EMOTION_COUNT = EMOTIONS.length;

/**
 * One colour per emotion (Tableau 10, distinguishable for most colour vision), the same everywhere: the Explore
 * map, its PNG and SVG exports, the HTML report and the app's CSS (src/app/tokens.css declares them as
 * --emotion-<name>; a unit test keeps the two equal).
 */
export const EMOTION_COLOURS: Record<Emotion, string> = {
  angry: '#4e79a7',
  disgust: '#f28e2c',
  fear: '#e15759',
  happy: '#76b7b2',
  sad: '#59a14f',
  surprise: '#edc949',
  neutral: '#af7aa1',
};

/**
 * How strongly a confusion-matrix cell is tinted: its share of the true class's faces, up to 90% of the accent.
 * The count sits on a chip of the page's own background, so the tint can be strong without losing contrast;
 * the app and the report use the same scale.
 */
export function confusionTint(count: number, rowTotal: number): number {
  return rowTotal > 0 ? Math.round((90 * count) / rowTotal) : 0;
}
