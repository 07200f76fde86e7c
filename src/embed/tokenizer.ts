/**
 * CLIP's text tokenizer: the model's own tokenizer.json run by @huggingface/tokenizers (the library transformers.js
 * uses), then shaped as CLIP's text encoder expects: <|startoftext|> … <|endoftext|>, cut to the 77-token context
 * with the end token kept last (as OpenAI's clip.tokenize(truncate=True)), padded with <|endoftext|> (the hub
 * tokenizer's pad token; the encoder pools at the first end token, so padding never changes an embedding).
 */
import { Tokenizer } from '@huggingface/tokenizers';

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

export class ClipTokenizer {
  private readonly tokenizer: Tokenizer;

  constructor(tokenizerJson: object) {
    this.tokenizer = new Tokenizer(tokenizerJson, {});
  }

  /**
   * A tokenizer from the text of a tokenizer.json, checked to be CLIP's; every error names the file (`fileName`)
   * and what is wrong with it, whatever the library threw.
   */
  static fromJson(text: string, fileName: string): ClipTokenizer {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(`${fileName} is not a tokenizer.json: it is not JSON (${(error as Error).message})`, { cause: error });
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`${fileName} is not a tokenizer.json: it is not a JSON object`);
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
