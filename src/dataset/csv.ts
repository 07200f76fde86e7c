/**
 * FER2013's original challenge file: `emotion,pixels,Usage`, emotion 0-6, pixels 2,304 space-separated values
 * 0-255 (row-major 48×48), Usage Training, PublicTest or PrivateTest. Parsed line by line so a 300 MB file streams.
 */
import { FACE_AREA, SUBSETS, type Subset } from './faceSet';

export type CsvRow = { ok: true; label: number; pixels: Uint8Array; subset: Subset } | { ok: false; reason: string };

/** Column positions from the header, in any order; throws naming what is missing. */
export function parseCsvHeader(line: string): { emotion: number; pixels: number; usage: number } {
  const columns = line.trim().replace(/^\uFEFF/, '').split(',').map((c) => c.trim().toLowerCase());
  const emotion = columns.indexOf('emotion');
  const pixels = columns.indexOf('pixels');
  const usage = columns.indexOf('usage');
  const missing = [emotion < 0 && 'emotion', pixels < 0 && 'pixels', usage < 0 && 'Usage'].filter(Boolean);
  if (missing.length) {
    throw new Error(`Not a FER2013 CSV: the header “${line.slice(0, 80)}” has no ${missing.join(', ')} column (expected emotion,pixels,Usage)`);
  }
  return { emotion, pixels, usage };
}

export function parseCsvRow(line: string, columns: { emotion: number; pixels: number; usage: number }): CsvRow {
  const fields = line.split(',');
  if (fields.length < 3) return { ok: false, reason: `expected 3 fields, found ${fields.length}` };
  const emotionText = fields[columns.emotion]?.trim();
  const label = Number(emotionText);
  if (!/^\d$/.test(emotionText ?? '') || label > 6) return { ok: false, reason: `emotion “${emotionText}” is not a label 0-6` };
  const usage = fields[columns.usage]?.trim() as Subset;
  if (!SUBSETS.includes(usage)) return { ok: false, reason: `Usage “${usage}” is not Training, PublicTest or PrivateTest` };
  const values = (fields[columns.pixels] ?? '').trim().split(/\s+/);
  if (values.length !== FACE_AREA) return { ok: false, reason: `${values.length} pixel values, expected ${FACE_AREA} (48×48)` };
  const pixels = new Uint8Array(FACE_AREA);
  for (let i = 0; i < FACE_AREA; i++) {
    const v = Number(values[i]);
    if (!Number.isInteger(v) || v < 0 || v > 255) return { ok: false, reason: `pixel ${i + 1} is “${values[i]}”, not an integer 0-255` };
    pixels[i] = v;
  }
  return { ok: true, label, pixels, subset: usage };
}

/** A FER2013 row is about 9 KB; a "line" far longer is not one, and is refused before it fills memory. */
export const MAX_LINE_LENGTH = 1 << 20;

/**
 * Splits a text stream into lines across chunk boundaries. The unfinished line is kept as parts and joined once it
 * ends, so a long line costs its length, not its length times the number of chunks it spans.
 */
export class LineSplitter {
  private rest: string[] = [];
  private restLength = 0;
  private lines = 0;
  push(text: string, final: boolean, onLine: (line: string) => void): void {
    const pieces = text.split('\n');
    const last = pieces.pop()!;
    for (const piece of pieces) {
      const line = (this.rest.length ? this.rest.join('') + piece : piece).replace(/\r$/, '');
      this.rest = [];
      this.restLength = 0;
      this.lines++;
      if (line.length > MAX_LINE_LENGTH) throw this.tooLong();
      if (line.trim() !== '') onLine(line);
    }
    this.rest.push(last);
    this.restLength += last.length;
    if (this.restLength > MAX_LINE_LENGTH) throw this.tooLong();
    if (final) {
      const line = this.rest.join('').replace(/\r$/, '');
      this.rest = [];
      this.restLength = 0;
      if (line.trim() !== '') onLine(line);
    }
  }

  private tooLong(): Error {
    return new Error(`line ${this.lines + 1} is longer than ${MAX_LINE_LENGTH / 2 ** 20} MB: not a FER2013 CSV (one face per line, about 9 KB)`);
  }
}
