/**
 * The fuzzer inside `npm test`: every parser of untrusted input gets its seeds, its regression fixtures and a fixed
 * set of seeded mutated cases (a few thousand where a case is cheap, fewer for the 1.5 MB tokenizer.json and the
 * ONNX files). Time is bounded by the input sizes and case counts, never asserted; `npm run fuzz` runs more cases
 * with a per-case time budget.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fuzzTarget } from './run';
import { removeModelDir, TARGETS } from './targets';

const SEED = 16;

afterAll(() => removeModelDir());

describe('fuzzed parsers keep their contract', () => {
  for (const target of TARGETS) {
    it(`${target.name}: ${target.unitCases} mutated cases (seed ${SEED}) and the fixtures return or refuse naming ${target.fileName}`, { timeout: 300_000 }, async () => {
      const report = await fuzzTarget(target, { seed: SEED, cases: target.unitCases });
      expect(report.failures.map((f) => `${f.origin} [${f.applied.join(', ')}]: ${f.message}`)).toEqual([]);
    });
  }
});
