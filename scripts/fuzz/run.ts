/**
 * Runs a target's seeded cases and its regression fixtures, collecting what broke the contract. Shared by the fuzz
 * command (scripts/fuzz/main.ts) and the unit tests (scripts/fuzz/fuzz.test.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseRandom, mutate } from './mutate';
import { ContractBroken, type Target } from './targets';

export const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;

export interface Failure {
  target: string;
  /** `seed/case` of a mutated case, or the fixture's file name */
  origin: string;
  applied: string[];
  message: string;
  bytes: Uint8Array;
  ms: number;
}

export interface TargetReport {
  target: string;
  cases: number;
  failures: Failure[];
  /** the slowest case, ms, and its origin */
  slowest: { ms: number; origin: string; bytes: number };
}

/** Regression fixtures of a target: inputs that once broke it (scripts/fuzz/fixtures/<target>/). */
export function fixturesOf(target: string): [string, Uint8Array][] {
  const dir = join(FIXTURES, target);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((name) => [name, new Uint8Array(readFileSync(join(dir, name)))]);
}

/**
 * `budgetMs`: a case slower than this is a failure (a hang or a quadratic blow-up); the fuzz command sets a generous
 * one, the unit tests none (they bound the input sizes and case counts instead).
 */
export async function fuzzTarget(target: Target, o: { seed: number; cases: number; budgetMs?: number; now?: () => number; fixtures?: boolean }): Promise<TargetReport> {
  const now = o.now ?? (() => performance.now());
  const seeds = await target.seeds();
  const failures: Failure[] = [];
  let slowest = { ms: 0, origin: '', bytes: 0 };
  const one = async (origin: string, bytes: Uint8Array, applied: string[]) => {
    const started = now();
    let message: string | undefined;
    try {
      await target.run(bytes);
    } catch (error) {
      message = error instanceof ContractBroken ? error.message : `the harness failed: ${(error as Error)?.stack ?? String(error)}`;
    }
    const ms = now() - started;
    if (ms > slowest.ms) slowest = { ms, origin, bytes: bytes.length };
    if (message === undefined && o.budgetMs !== undefined && ms > o.budgetMs) message = `took ${ms.toFixed(0)} ms, over the ${o.budgetMs} ms budget`;
    if (message !== undefined) failures.push({ target: target.name, origin, applied, message, bytes, ms });
  };
  // The unmutated seeds must pass too (a parser that refuses good input is broken the other way).
  for (const [i, bytes] of seeds.entries()) await one(`seed ${i}`, bytes, []);
  if (o.fixtures !== false) for (const [name, bytes] of fixturesOf(target.name)) await one(`fixture ${name}`, bytes, []);
  for (let c = 0; c < o.cases; c++) {
    const { bytes, seedIndex, applied } = mutate(seeds, caseRandom(o.seed, c));
    await one(`${o.seed}/${c} (seed ${seedIndex})`, bytes, applied);
  }
  return { target: target.name, cases: seeds.length + o.cases, failures, slowest };
}
