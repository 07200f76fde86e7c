/**
 * A small tokenizer.json of the kind SigLIP's hub repos ship (a SentencePiece Unigram model in Hugging Face's
 * tokenizers format, as transformers converts SiglipTokenizer): special tokens <pad> 0, </s> 1, <unk> 2; a
 * normalizer that lowercases, drops punctuation and collapses whitespace (SiglipTokenizer's canonicalize_text); a
 * Metaspace pre-tokenizer ("▁" before each word); the Unigram model; a post-processor that appends </s>. The real
 * vocabulary has 32,000 pieces learned on WebLI; this one has the prompts' words and the letters, with made-up log
 * probabilities, so the generated siglip-tiny tokenizes every prompt through the same code path (the library's
 * Unigram Viterbi search) with ids a test can work out by hand.
 */
import { EMOTION_ADJECTIVES } from '../../src/embed/prompts';

export const SIGLIP_SPECIAL = { pad: 0, end: 1, unk: 2 } as const;

/** Whole-word pieces ("▁word"), most likely first; then pieces that let other words split. */
const WORDS = ['a', 'an', 'this', 'is', 'of', 'photo', 'face', 'human', 'person', 'the', 'and', ...new Set(Object.values(EMOTION_ADJECTIVES))];
const SUBWORDS = ['▁', '▁un', 'ed', 'ful', 'ing', 'ly', 's'];
const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function siglipTokenizerVocab(): [string, number][] {
  return [
    ['<pad>', 0],
    ['</s>', 0],
    ['<unk>', 0],
    ...WORDS.map((w, i): [string, number] => [`▁${w}`, -3 - i * 0.1]),
    ...SUBWORDS.map((p): [string, number] => [p, -7]),
    ...[...LETTERS].filter((c) => !SUBWORDS.includes(c)).map((c): [string, number] => [c, -10]),
  ];
}

export function siglipTokenizerJson(): object {
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const metaspace = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(SIGLIP_SPECIAL.pad, '<pad>'), special(SIGLIP_SPECIAL.end, '</s>'), special(SIGLIP_SPECIAL.unk, '<unk>')],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Lowercase' },
        { type: 'Replace', pattern: { Regex: '[!"#$%&\'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~]' }, content: '' },
        { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
        { type: 'Strip', strip_left: true, strip_right: true },
      ],
    },
    pre_tokenizer: metaspace,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      special_tokens: { '</s>': { id: '</s>', ids: [SIGLIP_SPECIAL.end], tokens: ['</s>'] } },
    },
    decoder: metaspace,
    model: { type: 'Unigram', unk_id: SIGLIP_SPECIAL.unk, vocab: siglipTokenizerVocab(), byte_fallback: false },
  };
}
