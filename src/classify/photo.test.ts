import { describe, expect, it } from 'vitest';
import { decodeProblem, workingSize } from './photo';

describe('opening a photo', () => {
  it('works on large photos at 1600 px on the longer side, small ones as they are', () => {
    expect(workingSize(6000, 4000)).toEqual({ width: 1600, height: 1067 });
    expect(workingSize(3024, 4032)).toEqual({ width: 1200, height: 1600 });
    expect(workingSize(640, 480)).toEqual({ width: 640, height: 480 });
  });

  it('names the problem of a file it cannot decode', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0, 0, 1, 0]);
    expect(decodeProblem('a.png', 'image/png', png)).toBe('a.png looks like a PNG image but cannot be decoded: the file is damaged or incomplete.');
    expect(decodeProblem('notes.txt', 'text/plain', new TextEncoder().encode('hello'))).toMatch(/^notes\.txt is not an image \(text\/plain\)/);
    expect(decodeProblem('x.heic', 'image/heic', new Uint8Array(40).fill(1))).toMatch(/cannot be decoded by this browser/);
    expect(decodeProblem('empty.jpg', 'image/jpeg', new Uint8Array(0))).toBe('empty.jpg is empty.');
  });
});
