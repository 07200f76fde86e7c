import { describe, expect, it } from 'vitest';
import { LineSplitter, MAX_LINE_LENGTH, parseCsvHeader, parseCsvRow } from './csv';
import { headerProblem, readImageHeader } from './imageHeader';
import { labelOf } from './labels';
import { planEntry } from './layout';
import { bmp } from './testImages';

describe('labelOf', () => {
  it('maps folder names case-insensitively with synonyms', () => {
    expect(['Angry', 'anger', 'DISGUSTED', 'fearful', 'happy', 'Sad', 'surprised', 'neutral'].map(labelOf)).toEqual([0, 0, 1, 2, 3, 4, 5, 6]);
  });
  it('does not guess unknown names', () => {
    expect(labelOf('contempt')).toBeUndefined();
    expect(labelOf('3')).toBeUndefined();
  });
});

describe('planEntry (Kaggle layout)', () => {
  it('reads split, label and subset, also inside wrapping folders', () => {
    expect(planEntry('train/happy/Training_1.jpg')).toEqual({ kind: 'image', split: 'train', label: 3, subset: 'Training' });
    expect(planEntry('archive/fer2013/test/Surprised/PrivateTest_9.png')).toEqual({ kind: 'image', split: 'test', label: 5, subset: 'PrivateTest' });
    expect(planEntry('TEST/sad/PublicTest_3.JPG')).toMatchObject({ split: 'test', subset: 'PublicTest' });
  });
  it('reports unknown classes, stray files and unsafe names', () => {
    expect(planEntry('train/contempt/x.jpg')).toEqual({ kind: 'skip', reason: 'unknown emotion folder “contempt”' });
    expect(planEntry('train/happy/notes.txt')).toEqual({ kind: 'skip', reason: 'not an image file' });
    expect(planEntry('readme.jpg')).toMatchObject({ kind: 'skip' });
    expect(planEntry('../train/happy/a.jpg')).toEqual({ kind: 'skip', reason: 'path traversal (“..”) in the archive' });
    expect(planEntry('/etc/train/happy/a.jpg')).toEqual({ kind: 'skip', reason: 'absolute path in the archive' });
    expect(planEntry('C:\\train\\happy\\a.jpg')).toEqual({ kind: 'skip', reason: 'absolute path in the archive' });
  });
  it('ignores folders and operating-system litter, and recognises a CSV', () => {
    expect(planEntry('train/happy/')).toEqual({ kind: 'ignore' });
    expect(planEntry('__MACOSX/train/happy/._a.jpg')).toEqual({ kind: 'ignore' });
    expect(planEntry('train/happy/.DS_Store')).toEqual({ kind: 'ignore' });
    expect(planEntry('data/fer2013.csv')).toEqual({ kind: 'csv' });
  });
});

describe('FER2013 CSV', () => {
  const columns = parseCsvHeader('emotion,pixels,Usage');
  const pixels = Array.from({ length: 2304 }, (_, i) => i % 256).join(' ');
  it('parses a row', () => {
    const row = parseCsvRow(`3,${pixels},PublicTest`, columns);
    expect(row).toMatchObject({ ok: true, label: 3, subset: 'PublicTest' });
    if (row.ok) expect(row.pixels[257]).toBe(1);
  });
  it('names what is wrong with a bad row', () => {
    expect(parseCsvRow(`9,${pixels},Training`, columns)).toEqual({ ok: false, reason: 'emotion “9” is not a label 0-6' });
    expect(parseCsvRow(`1,1 2 3,Training`, columns)).toEqual({ ok: false, reason: '3 pixel values, expected 2304 (48×48)' });
    expect(parseCsvRow(`1,${pixels},Validation`, columns)).toMatchObject({ ok: false, reason: expect.stringMatching(/Usage “Validation”/) });
    expect(parseCsvRow(`1,${pixels.replace(/^0 /, '300 ')},Training`, columns)).toEqual({ ok: false, reason: 'pixel 1 is “300”, not an integer 0-255' });
    expect(parseCsvRow('garbage', columns)).toEqual({ ok: false, reason: 'expected 3 fields, found 1' });
  });
  it('refuses a header without the FER2013 columns', () => {
    expect(() => parseCsvHeader('label,image')).toThrow(/no emotion, pixels, Usage column/);
    expect(parseCsvHeader('\uFEFFUsage,emotion,pixels')).toEqual({ emotion: 1, pixels: 2, usage: 0 });
  });
  it('splits lines across chunk boundaries', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter();
    splitter.push('a,b\r\nc', false, (l) => lines.push(l));
    splitter.push(',d\n\ne', false, (l) => lines.push(l));
    splitter.push('', true, (l) => lines.push(l));
    expect(lines).toEqual(['a,b', 'c,d', 'e']);
  });
  it('joins a line spread over many chunks once, and refuses one too long to be a row before it fills memory', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter();
    const row = '0,' + Array.from({ length: 2304 }, (_, i) => i % 256).join(' ') + ',Training';
    for (let i = 0; i < row.length; i += 7) splitter.push(row.slice(i, i + 7), false, (l) => lines.push(l));
    splitter.push('\n', true, (l) => lines.push(l));
    expect(lines).toEqual([row]);

    const endless = new LineSplitter();
    const chunk = '1 '.repeat(32 * 1024);
    let pushed = 0;
    expect(() => {
      for (; pushed < 1000; pushed++) endless.push(chunk, false, () => {});
    }).toThrow(/line 1 is longer than 1 MB: not a FER2013 CSV/);
    expect(pushed).toBe(Math.floor(MAX_LINE_LENGTH / chunk.length)); // refused at the first chunk past the limit
  });
});

describe('image headers', () => {
  it('reads declared sizes without decoding', () => {
    expect(readImageHeader(bmp(60, 40, () => [0, 0, 0]))).toEqual({ format: 'bmp', width: 60, height: 40 });
    const png = new Uint8Array(33);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(png.buffer).setUint32(16, 100_000);
    new DataView(png.buffer).setUint32(20, 100_000);
    expect(readImageHeader(png)).toEqual({ format: 'png', width: 100_000, height: 100_000 });
    expect(headerProblem(png)).toBe('image declares 100000×100000 pixels, too large to decode safely');
  });
  it('reads a JPEG frame header', () => {
    // SOI, APP0 (length 16), SOF0 with height 48 and width 64
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, ...new Array(14).fill(0), 0xff, 0xc0, 0, 11, 8, 0, 48, 0, 64, 1, 1, 0x11, 0]);
    expect(readImageHeader(jpeg)).toEqual({ format: 'jpeg', width: 64, height: 48 });
  });
  it('names empty and unknown files', () => {
    expect(headerProblem(new Uint8Array())).toBe('empty file');
    expect(headerProblem(new TextEncoder().encode('hello, not an image'))).toMatch(/not a recognised image/);
  });
});
