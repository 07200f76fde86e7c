/**
 * Recognises the Kaggle image layout of FER2013 (train/<emotion>/<file>, test/<emotion>/<file>), also inside one or
 * more wrapping folders, and classifies each archive entry: an image with its split, label and subset, or a reason
 * to skip it. Pure: works on entry names only.
 */
import { labelOf } from './labels';
import type { Split, Subset } from './faceSet';

export type EntryPlan =
  | { kind: 'image'; split: Split; label: number; subset: Subset }
  | { kind: 'csv' }
  | { kind: 'skip'; reason: string }
  | { kind: 'ignore' };

const IMAGE_EXTENSIONS = /\.(jpe?g|png|gif|webp|bmp|avif)$/i;
const SPLIT_NAMES: Record<string, Split> = { train: 'train', training: 'train', test: 'test', testing: 'test' };

/** Absolute names, drive letters and `..` segments could write outside any folder: never trusted. */
export function unsafeEntryName(name: string): string | undefined {
  if (name.startsWith('/') || name.startsWith('\\') || /^[a-zA-Z]:/.test(name)) return 'absolute path in the archive';
  if (name.split(/[\\/]/).includes('..')) return 'path traversal (“..”) in the archive';
  return undefined;
}

/** Operating-system litter that is not part of any dataset. */
function isLitter(segments: string[]): boolean {
  const base = segments[segments.length - 1];
  return segments.includes('__MACOSX') || base === '.DS_Store' || base === 'Thumbs.db' || base.startsWith('._');
}

export function subsetOf(split: Split, fileName: string): Subset {
  if (split === 'train') return 'Training';
  return /^privatetest/i.test(fileName) ? 'PrivateTest' : 'PublicTest';
}

export function planEntry(name: string): EntryPlan {
  if (name.endsWith('/')) return { kind: 'ignore' };
  const unsafe = unsafeEntryName(name);
  if (unsafe) return { kind: 'skip', reason: unsafe };
  const segments = name.split(/[\\/]/).filter(Boolean);
  if (isLitter(segments)) return { kind: 'ignore' };
  const file = segments[segments.length - 1];
  if (/\.csv$/i.test(file)) return { kind: 'csv' };
  // The split folder is the last "train"/"test" folder followed by exactly a class folder and the file.
  if (segments.length < 3) return { kind: 'skip', reason: 'not inside train/<emotion>/ or test/<emotion>/' };
  const split = SPLIT_NAMES[segments[segments.length - 3].toLowerCase()];
  if (!split) return { kind: 'skip', reason: 'not inside train/<emotion>/ or test/<emotion>/' };
  const classFolder = segments[segments.length - 2];
  const label = labelOf(classFolder);
  if (label === undefined) return { kind: 'skip', reason: `unknown emotion folder “${classFolder}”` };
  if (!IMAGE_EXTENSIONS.test(file)) return { kind: 'skip', reason: 'not an image file' };
  return { kind: 'image', split, label, subset: subsetOf(split, file) };
}
