/**
 * The text towers' tokenizers: the model's own tokenizer.json run by @huggingface/tokenizers (the library
 * transformers.js uses; already a dependency, pure JavaScript, so it runs offline in the embed worker and in Node),
 * then shaped as each text encoder expects.
 *
 * CLIP: <|startoftext|> … <|endoftext|>, cut to the 77-token context with the end token kept last (as OpenAI's
 * clip.tokenize(truncate=True)), padded with <|endoftext|> (the hub tokenizer's pad token; the encoder pools at the
 * first end token, so padding never changes an embedding).
 *
 * SigLIP: a SentencePiece Unigram tokenizer.json (its normalizer, Metaspace pre-tokenizer and the post-processor
 * that appends "</s>" are the file's, run by the library's Unigram model), then padded to 64 with "</s>" as
 * transformers.js' `padding: 'max_length', truncation: true` does (src/embed/backbones/siglip.ts cites the sources).
 */
import { Tokenizer } from '@huggingface/tokenizers';
import type { TextTower } from './backbones';

export const CONTEXT_LENGTH = 77;
export const START_OF_TEXT = 49406;
export const END_OF_TEXT = 49407;

export interface TokenBatch {
  /** [count, length], row-major */
  inputIds: BigInt64Array;
  count: number;
  length: number;
  /** prompts longer than the context, which were cut */
  truncated: number[];
}

/** What zero-shot needs of a tokenizer: prompts as one padded [count, length] batch of ids. */
export interface PromptTokenizer {
  encodeBatch(texts: readonly string[]): TokenBatch;
}

function parseTokenizerJson(text: string, fileName: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${fileName} is not a tokenizer.json: it is not JSON (${(error as Error).message})`, { cause: error });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`${fileName} is not a tokenizer.json: it is not a JSON object`);
  return json as Record<string, unknown>;
}

/** The tokenizer a text tower declares, from the text of its tokenizer.json; refuses a file of another kind. */
export function tokenizerFor(tower: Pick<TextTower, 'tokenizer' | 'maxLength' | 'padToken'>, text: string, fileName: string): PromptTokenizer {
  return tower.tokenizer === 'sentencepiece' ? SentencePieceTokenizer.fromJson(text, fileName, tower.maxLength, tower.padToken ?? '</s>') : ClipTokenizer.fromJson(text, fileName);
}

export class ClipTokenizer implements PromptTokenizer {
  private readonly tokenizer: Tokenizer;

  constructor(tokenizerJson: object) {
    this.tokenizer = new Tokenizer(tokenizerJson, {});
  }

  /**
   * A tokenizer from the text of a tokenizer.json, checked to be CLIP's; every error names the file (`fileName`)
   * and what is wrong with it, whatever the library threw.
   */
  static fromJson(text: string, fileName: string): ClipTokenizer {
    const json = parseTokenizerJson(text, fileName);
    try {
      const tokenizer = new ClipTokenizer(json);
      tokenizer.encode('a happy human face');
      return tokenizer;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${fileName} is not a usable CLIP tokenizer.json: ${message}`, { cause: error });
    }
  }

  /** Token ids with the start and end tokens, before cutting or padding. */
  encode(text: string): number[] {
    const ids = this.tokenizer.encode(text).ids;
    if (ids[0] !== START_OF_TEXT || ids[ids.length - 1] !== END_OF_TEXT) {
      throw new Error('This tokenizer.json is not CLIP’s: it does not wrap text in <|startoftext|> … <|endoftext|>');
    }
    return ids;
  }

  encodeBatch(texts: readonly string[], contextLength = CONTEXT_LENGTH): TokenBatch {
    const inputIds = new BigInt64Array(texts.length * contextLength).fill(BigInt(END_OF_TEXT));
    const truncated: number[] = [];
    texts.forEach((text, row) => {
      let ids = this.encode(text);
      if (ids.length > contextLength) {
        truncated.push(row);
        ids = [...ids.slice(0, contextLength - 1), END_OF_TEXT];
      }
      ids.forEach((id, i) => (inputIds[row * contextLength + i] = BigInt(id)));
    });
    return { inputIds, count: texts.length, length: contextLength, truncated };
  }
}

/**
 * SigLIP's SentencePiece tokenizer: ids of the text with the end token the file's post-processor appends, cut to
 * `maxLength` with the end token kept last, padded to exactly `maxLength` with the pad token (no attention mask:
 * SigLIP's text tower sees the padding, as in its training).
 */
export class SentencePieceTokenizer implements PromptTokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    readonly maxLength: number,
    readonly padId: number,
    readonly endId: number,
  ) {}

  static fromJson(text: string, fileName: string, maxLength: number, padToken: string): SentencePieceTokenizer {
    const json = parseTokenizerJson(text, fileName);
    const model = json.model as { type?: string } | undefined;
    if (model?.type !== 'Unigram') throw new Error(`${fileName} is not a SentencePiece (Unigram) tokenizer.json: its model is ${model?.type ?? 'missing'}`);
    try {
      const tokenizer = new Tokenizer(json, {});
      const padId = tokenizer.token_to_id(padToken);
      if (padId === undefined) throw new Error(`it has no pad token ${padToken}`);
      const ids = tokenizer.encode('a happy face').ids;
      const endId = ids.at(-1);
      if (endId === undefined || tokenizer.id_to_token(endId) !== '</s>') throw new Error('it does not end a text with </s>');
      return new SentencePieceTokenizer(tokenizer, maxLength, padId, endId);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${fileName} is not a usable SigLIP tokenizer.json: ${message}`, { cause: error });
    }
  }

  /** Token ids ending with </s>, before cutting or padding. */
  encode(text: string): number[] {
    return this.tokenizer.encode(text).ids;
  }

  encodeBatch(texts: readonly string[]): TokenBatch {
    const length = this.maxLength;
    const inputIds = new BigInt64Array(texts.length * length).fill(BigInt(this.padId));
    const truncated: number[] = [];
    texts.forEach((text, row) => {
      let ids = this.encode(text);
      if (ids.length > length) {
        truncated.push(row);
        ids = [...ids.slice(0, length - 1), this.endId];
      }
      ids.forEach((id, i) => (inputIds[row * length + i] = BigInt(id)));
    });
    return { inputIds, count: texts.length, length, truncated };
  }
}
