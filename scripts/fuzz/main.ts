/**
 * `npm run fuzz -- --seed N --cases M [--target name] [--budget ms] [--save]`: seeded mutation fuzzing of every parser
 * of untrusted input (scripts/fuzz/targets.ts). The same seed gives the same cases; a failing case is printed with
 * its `seed/case` and, with --save, written under scripts/fuzz/fixtures/<target>/ to become a regression fixture.
 * Exits 1 when any case broke a contract or went over the per-case time budget (default 5 s: far above any parser's
 * normal time on these inputs, so only a hang or a blow-up reaches it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FIXTURES, fuzzTarget } from './run';
import { miniZipTarget, removeModelDir, TARGETS } from './targets';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    cases: { type: 'string', default: '1000' },
    target: { type: 'string', multiple: true },
    budget: { type: 'string', default: '5000' },
    save: { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
const cases = Number(values.cases);
const budgetMs = Number(values.budget);
const all = [...TARGETS, miniZipTarget];
const chosen = values.target?.length ? all.filter((t) => values.target!.includes(t.name)) : all;
if (!chosen.length) {
  console.error(`No such target; targets: ${all.map((t) => t.name).join(', ')}`);
  process.exit(2);
}
console.log(`fuzz --seed ${seed} --cases ${cases} (per-case budget ${budgetMs} ms)`);
let failed = 0;
try {
  for (const target of chosen) {
    // The whole mini zip is a large seed: a twentieth of the cases (at least 3) keep the run's length reasonable.
    const n = target === miniZipTarget ? Math.max(3, Math.ceil(cases / 20)) : cases;
    const started = performance.now();
    const report = await fuzzTarget(target, { seed, cases: n, budgetMs });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${target.name.padEnd(16)} ${String(report.cases).padStart(6)} cases in ${seconds.toFixed(1)} s; slowest ${report.slowest.ms.toFixed(0)} ms (${report.slowest.origin}, ${report.slowest.bytes} bytes); ${report.failures.length} failures`,
    );
    for (const f of report.failures) {
      failed++;
      console.log(`  ✗ ${f.origin} [${f.applied.join(', ')}] ${f.bytes.length} bytes: ${f.message.split('\n').slice(0, 4).join(' | ')}`);
      if (values.save && f.bytes.length <= 64 * 1024) {
        const dir = join(FIXTURES, target.name);
        mkdirSync(dir, { recursive: true });
        const file = join(dir, `${f.origin.split(' ')[0].replace('/', '-')}.bin`);
        writeFileSync(file, f.bytes);
        console.log(`    saved ${file}`);
      }
    }
  }
} finally {
  removeModelDir();
}
process.exit(failed ? 1 : 0);
