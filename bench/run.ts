/**
 * `npm run bench [group|name ...]`: runs benchmark scenarios (never part of the tests) and writes
 * bench/results/latest.json and bench/results/latest.md. Scenario names start with their group: ingest., embed.,
 * train., explore., classify., cli., backbones.; `npm run bench embed` runs one group, no argument runs all.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { backboneScenarios } from './backbones';
import { classifyScenarios } from './classify';
import { cliScenarios } from './cli';
import { dataEfficiencyScenarios } from './dataEfficiency';
import { embedScenarios } from './embed';
import { exploreScenarios } from './explore';
import { ingestScenarios } from './ingest';
import { peerScenarios } from './peer';
import { probeScenarios } from './probe';
import { trainScenarios } from './train';
import { toMarkdown, type BenchRecord, type Scenario } from './lib';

const scenarios: Scenario[] = [...ingestScenarios, ...embedScenarios, ...peerScenarios, ...trainScenarios, ...probeScenarios, ...dataEfficiencyScenarios, ...exploreScenarios, ...classifyScenarios, ...cliScenarios, ...backboneScenarios];

const wanted = process.argv.slice(2);
const selected = scenarios.filter((s) => wanted.length === 0 || wanted.some((w) => s.name === w || s.name.startsWith(`${w}.`)));
if (selected.length === 0) {
  console.error(`No benchmark matches ${wanted.join(' ')}. Known: ${scenarios.map((s) => s.name).join(', ')}`);
  process.exit(1);
}

const records: BenchRecord[] = [];
for (const scenario of selected) {
  console.log(`▶ ${scenario.name}`);
  const results = await scenario.run();
  for (const r of results) {
    console.log(`  ${r.name}: ${r.value.toFixed(2)} ${r.unit}${r.ratio === undefined ? '' : ` (${r.ratio.toFixed(2)}× ${r.baseline_name})`}`);
  }
  records.push(...results);
}
mkdirSync('bench/results', { recursive: true });
// Scenarios not run this time keep their last figures, so one group can be re-measured alone.
const previous: BenchRecord[] = existsSync('bench/results/latest.json') ? JSON.parse(readFileSync('bench/results/latest.json', 'utf8')) : [];
const ran = new Set(records.map((r) => r.name));
const merged = [...previous.filter((r) => !ran.has(r.name)), ...records].sort((a, b) => a.name.localeCompare(b.name));
writeFileSync('bench/results/latest.json', JSON.stringify(merged, null, 2) + '\n');
writeFileSync('bench/results/latest.md', toMarkdown(merged));
console.log(`\nWrote bench/results/latest.json and latest.md (${records.length} new figures, ${merged.length} in all).`);
