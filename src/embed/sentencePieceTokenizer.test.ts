/**
 * SigLIP's SentencePiece (Unigram) tokenizer on the tokenizer.json the test-model generator writes for siglip-tiny
 * (scripts/tokenizer/siglipTokenizerJson.ts). Its vocabulary is small and its scores are known, so every id below is
 * worked out by hand from that file: <pad> 0, </s> 1, <unk> 2, then "▁a" 3, "▁an" 4, "▁this" 5, "▁is" 6, "▁of" 7,
 * "▁photo" 8, "▁face" 9, "▁human" 10, "▁person" 11, "▁the" 12, "▁and" 13, "▁angry" 14, "▁disgusted" 15,
 * "▁fearful" 16, "▁happy" 17, "▁sad" 18, "▁surprised" 19, "▁neutral" 20, "▁" 21, "▁un" 22, "ed" 23, "ful" 24,
 * "ing" 25, "ly" 26, "s" 27, then the letters a–r 28–45, t–z 46–52 and the digits. (The real SigLIP vocabulary has
 * 32,000 pieces; no cited source lists its ids for a prompt, so these tests pin the pipeline, not that vocabulary.)
 */
import { describe, expect, it } from 'vitest';
import { clipTokenizerJson } from '../../scripts/tokenizer/clipTokenizerJson';
import { siglipTokenizerJson } from '../../scripts/tokenizer/siglipTokenizerJson';
import { SIGLIP_BASE } from './backbones/siglip';
import { SentencePieceTokenizer, tokenizerFor } from './tokenizer';

const json = JSON.stringify(siglipTokenizerJson());
const tokenizer = SentencePieceTokenizer.fromJson(json, 'tokenizer.json', 64, '</s>');

describe('SentencePieceTokenizer (SigLIP)', () => {
  it('gives the ids of whole-word pieces and appends </s>', () => {
    expect(tokenizer.encode('This is a photo of happy.')).toEqual([5, 6, 3, 8, 7, 17, 1]);
    expect(tokenizer.encode('A fearful human face')).toEqual([3, 16, 10, 9, 1]);
  });

  it('lowercases, drops punctuation and folds whitespace before the pieces', () => {
    expect(tokenizer.encode('  HAPPY!!\n')).toEqual([17, 1]);
  });

  it('splits an unknown word into the most probable pieces (Unigram’s Viterbi search)', () => {
    // "▁face" + "s" (−3.6 − 7) beats any split into letters
    expect(tokenizer.encode('faces')).toEqual([9, 27, 1]);
    // "▁un" then letters: "happy" without "▁" is no piece
    expect(tokenizer.encode('unhappy')).toEqual([22, 35, 28, 43, 43, 51, 1]);
  });

  it('pads every prompt to 64 with </s>, as padding: max_length does', () => {
    const batch = tokenizer.encodeBatch(['This is a photo of sad.', 'A happy human face']);
    expect(batch).toMatchObject({ count: 2, length: 64, truncated: [] });
    const row0 = Array.from(batch.inputIds.slice(0, 64), Number);
    expect(row0.slice(0, 7)).toEqual([5, 6, 3, 8, 7, 18, 1]);
    expect(row0.slice(7).every((id) => id === 1)).toBe(true);
    expect(Array.from(batch.inputIds.slice(64, 69), Number)).toEqual([3, 17, 10, 9, 1]);
  });

  it('cuts a long text to 64 ids with </s> kept last, and says which', () => {
    const batch = tokenizer.encodeBatch(['happy '.repeat(80)]);
    const ids = Array.from(batch.inputIds, Number);
    expect(ids).toHaveLength(64);
    expect(ids.slice(0, 63).every((id) => id === 17)).toBe(true);
    expect(ids[63]).toBe(1);
    expect(batch.truncated).toEqual([0]);
  });

  it('is what SigLIP’s text tower declares, and a CLIP tokenizer.json is refused for it with the reason', () => {
    expect(tokenizerFor(SIGLIP_BASE.text!, json, 'tokenizer.json')).toBeInstanceOf(SentencePieceTokenizer);
    expect(() => tokenizerFor(SIGLIP_BASE.text!, JSON.stringify(clipTokenizerJson()), 'clip/tokenizer.json')).toThrow(/clip\/tokenizer\.json is not a SentencePiece \(Unigram\) tokenizer\.json: its model is BPE/);
  });
});
