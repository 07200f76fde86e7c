import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// npm 11.16+ lists every dependency whose install script package.json's `allowScripts` does not cover ("4 packages
// have install scripts not yet covered by allowScripts"), and npm 12 will skip those scripts. The lockfile marks
// each package that has one, so a dependency update that brings a new install script fails here until it is
// reviewed and allowed or denied (README, "Two commands").
const root = new URL('../', import.meta.url);
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
const allowScripts = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { allowScripts?: Record<string, boolean> }).allowScripts ?? {};

describe('install scripts', () => {
  const withScripts = Object.entries(lock.packages)
    .filter(([path, entry]) => path && entry.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));

  it('every dependency with an install script is allowed or denied in package.json', () => {
    expect(withScripts.length).toBeGreaterThan(0);
    expect(withScripts.filter((name) => typeof allowScripts[name] !== 'boolean')).toEqual([]);
  });

  it('runs only the scripts the project needs: esbuild’s, not the CUDA download or the banners', () => {
    expect(Object.entries(allowScripts).filter(([, allowed]) => allowed).map(([name]) => name)).toEqual(['esbuild']);
    expect(allowScripts['onnxruntime-node']).toBe(false);
  });
});
