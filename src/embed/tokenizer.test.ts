import { beforeAll, describe, expect, it } from 'vitest';
import { clipTokenizerJson } from '../../scripts/tokenizer/clipTokenizerJson';
import { ClipTokenizer, END_OF_TEXT } from './tokenizer';

// tokenizer.json is built from OpenAI's vocabulary in ../shared/clip, as the hub's CLIP repos ship it.
let tokenizer: ClipTokenizer;
beforeAll(() => {
  tokenizer = new ClipTokenizer(clipTokenizerJson());
});

describe('ClipTokenizer', () => {
  it('produces the reference ids', () => {
    expect(tokenizer.encode('a photo of a cat')).toEqual([49406, 320, 1125, 539, 320, 2368, 49407]);
    expect(tokenizer.encode('How are you doing?')).toEqual([49406, 829, 631, 592, 1960, 286, 49407]);
    expect(tokenizer.encode('Hello World')).toEqual([49406, 3306, 1002, 49407]);
  });

  it('lowercases and folds whitespace as CLIP does', () => {
    expect(tokenizer.encode('  A   HAPPY\nhuman face ')).toEqual(tokenizer.encode('a happy human face'));
  });

  it('pads every prompt to the 77-token context with the end token', () => {
    const batch = tokenizer.encodeBatch(['A happy human face', 'A sad human face']);
    expect(batch.count).toBe(2);
    expect(batch.length).toBe(77);
    const row1 = Array.from(batch.inputIds.slice(77, 154), Number);
    expect(row1.slice(0, 6)).toEqual(tokenizer.encode('A sad human face'));
    expect(row1.slice(6).every((id) => id === END_OF_TEXT)).toBe(true);
    expect(batch.truncated).toEqual([]);
  });

  it('cuts a long prompt to the context and keeps the end token last', () => {
    const long = Array.from({ length: 100 }, () => 'face').join(' ');
    const batch = tokenizer.encodeBatch(['short', long]);
    expect(batch.truncated).toEqual([1]);
    const row = Array.from(batch.inputIds.slice(77, 154), Number);
    expect(row[0]).toBe(49406);
    expect(row[75]).not.toBe(END_OF_TEXT);
    expect(row[76]).toBe(END_OF_TEXT);
  });
});
