/**
 * Seeded mutations of a parser's input: the same seed and case number give the same bytes, so any failing case is
 * reproduced from the numbers the fuzzer prints.
 */
import { seededRandom } from '../../src/lib/random';

export type Random = () => number;

/** A generator for case `index` of a run seeded with `seed` (independent of how many cases ran before it). */
export const caseRandom = (seed: number, index: number): Random => seededRandom((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);

const int = (random: Random, n: number) => Math.floor(random() * n);

/** Mutated input never grows past this many bytes beyond its seed (keeps every case bounded). */
export const MAX_GROWTH = 256 * 1024;

const encoder = new TextEncoder();

export interface Mutation {
  name: string;
  apply(input: Uint8Array, random: Random, others: readonly Uint8Array[]): Uint8Array;
}

export const MUTATIONS: readonly Mutation[] = [
  {
    name: 'bit flips',
    apply(input, random) {
      const out = input.slice();
      const flips = 1 + int(random, 8);
      for (let i = 0; i < flips && out.length; i++) out[int(random, out.length)] ^= 1 << int(random, 8);
      return out;
    },
  },
  {
    name: 'interesting bytes',
    apply(input, random) {
      const out = input.slice();
      const values = [0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe];
      const count = 1 + int(random, 4);
      for (let i = 0; i < count && out.length; i++) out[int(random, out.length)] = values[int(random, values.length)];
      return out;
    },
  },
  {
    name: 'truncation',
    apply: (input, random) => input.slice(0, int(random, input.length + 1)),
  },
  {
    name: 'splice',
    apply(input, random, others) {
      const other = others[int(random, others.length)] ?? input;
      const head = input.subarray(0, int(random, input.length + 1));
      const tail = other.subarray(int(random, other.length + 1));
      return concat([head, tail]);
    },
  },
  {
    name: 'huge length',
    apply(input, random) {
      // A length or size field at a random place (or at a likely one, near the start) set to a huge value.
      const out = input.slice();
      if (out.length < 4) return out;
      const at = random() < 0.5 ? int(random, Math.min(64, out.length - 3)) : int(random, out.length - 3);
      const values = [0xffffffff, 0x7fffffff, 0x80000000, 0x0000ffff, 0x00010000];
      const value = values[int(random, values.length)];
      const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
      if (random() < 0.5) view.setUint32(at, value, random() < 0.5);
      else view.setUint16(at, value & 0xffff, random() < 0.5);
      return out;
    },
  },
  {
    name: 'repeat',
    apply(input, random) {
      if (input.length === 0) return input;
      const start = int(random, input.length);
      const piece = input.subarray(start, Math.min(input.length, start + 1 + int(random, 256)));
      const times = Math.min(1 + int(random, 1000), Math.floor(MAX_GROWTH / piece.length));
      const at = int(random, input.length + 1);
      return concat([input.subarray(0, at), ...Array.from({ length: times }, () => piece), input.subarray(at)]);
    },
  },
  {
    name: 'deletion',
    apply(input, random) {
      const start = int(random, input.length + 1);
      return concat([input.subarray(0, start), input.subarray(Math.min(input.length, start + 1 + int(random, 512)))]);
    },
  },
  {
    name: 'deep nesting',
    apply(input, random) {
      // For JSON and protobuf alike: thousands of openings at a random place.
      const depth = 1000 + int(random, 100_000);
      const openings = ['[', '{"a":', '[{"b":['];
      const opening = openings[int(random, openings.length)];
      const nest = encoder.encode(opening.repeat(Math.max(1, Math.floor(Math.min(depth * opening.length, MAX_GROWTH) / opening.length))));
      const at = int(random, input.length + 1);
      return concat([input.subarray(0, at), nest, input.subarray(at)]);
    },
  },
];

/** One case: one to three mutations of a seed picked by `random`. */
export function mutate(seeds: readonly Uint8Array[], random: Random): { bytes: Uint8Array; seedIndex: number; applied: string[] } {
  const seedIndex = int(random, seeds.length);
  let bytes = seeds[seedIndex];
  const applied: string[] = [];
  const rounds = 1 + int(random, 3);
  for (let r = 0; r < rounds; r++) {
    const mutation = MUTATIONS[int(random, MUTATIONS.length)];
    bytes = mutation.apply(bytes, random, seeds);
    if (bytes.length > seeds[seedIndex].length + MAX_GROWTH) bytes = bytes.subarray(0, seeds[seedIndex].length + MAX_GROWTH);
    applied.push(mutation.name);
  }
  return { bytes, seedIndex, applied };
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
