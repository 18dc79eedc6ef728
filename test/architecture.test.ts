import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

/**
 * The map of the house is checked (docs/architecture.md, ADR 0024): the rules of
 * .dependency-cruiser.cjs — no import cycle among files, the platform imports no module, each
 * module imports only the modules on the floors below it, every module is on the map, no dead
 * file, src imports no test code — run over src/ here, so `npm test` fails on a cycle or a
 * forbidden import. `npm run check:boundaries` prints the same violations. The second test runs
 * the rules over a tree broken on purpose (test/fixtures/boundaries/), so the check is known to
 * report what it should.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = path.join(ROOT, 'test/fixtures/boundaries');

/** One broken rule: "rule: from → to" (a cycle lists its files in order; an orphan is one file). */
async function violations(baseDir: string): Promise<string[]> {
  const options = await extractDepcruiseOptions(path.join(ROOT, '.dependency-cruiser.cjs'));
  const tsConfig = extractTSConfig(path.join(ROOT, 'tsconfig.json'));
  const { output } = await cruise(['src'], { ...options, baseDir, tsConfig: { fileName: path.join(ROOT, 'tsconfig.json') } }, {}, { tsConfig });
  const result = output as ICruiseResult;
  expect(result.summary.error + result.summary.warn + result.summary.info).toBe(result.summary.violations.length);
  return result.summary.violations.map((v) => {
    if (v.cycle?.length) return `${v.rule.name}: ${[v.from, ...v.cycle.map((c) => c.name)].join(' → ')}`;
    return v.from === v.to ? `${v.rule.name}: ${v.from}` : `${v.rule.name}: ${v.from} → ${v.to}`;
  });
}

describe('the map of the house (docs/architecture.md)', () => {
  it('src has no import cycle and no import across a boundary the map forbids', async () => {
    const found = await violations(ROOT);
    expect(found, `violations of .dependency-cruiser.cjs (npm run check:boundaries):\n${found.join('\n')}`).toEqual([]);
  });

  it('the check reports a cycle, the platform importing a module, an import up a floor, src importing test code, a module not on the map and an orphan', async () => {
    const found = await violations(FIXTURE);
    expect(found.sort()).toEqual([
      'floor-districts: src/modules/districts/catalog.ts → src/modules/applications/request.ts',
      'module-on-the-map: src/modules/transport/routes.ts → src/modules/districts/catalog.ts',
      'no-circular: src/modules/documents/a.ts → src/modules/documents/b.ts → src/modules/documents/a.ts',
      'no-orphans: src/modules/home/lonely.ts',
      'platform-knows-no-module: src/platform/mail/send.ts → src/modules/districts/catalog.ts',
      'src-imports-no-tests: src/modules/applications/request.ts → test/support/sample.ts',
    ]);
  });
});
