/**
 * The map of the house, checked (docs/architecture.md, ADR 0024).
 *
 * `npm run check:boundaries` prints the violations for a person;
 * test/architecture.test.ts runs the same rules in `npm test`, so CI fails on an
 * import cycle or on an import that crosses a boundary the map forbids.
 *
 * The map, bottom to top. A file may import a file of its own module or of a
 * module on a LOWER floor, never one beside it or above it:
 *
 *   src/platform/**                      the technical floor: knows no module
 *   src/config.ts, src/rate-limits.ts    the typed environment (platform only)
 *   src/deps.ts                          what the wiring hands down (platform, config, districts)
 *   src/modules/<name>/                  the floors below, in the order of MODULE_FLOORS
 *   src/modules/index.ts, src/wire.ts,   the top: assembles the modules' declarations,
 *   src/app.ts, src/server.ts, src/cli/  builds the services once, starts the process
 */

/** Bottom to top. Modules that share a floor may not import each other. */
const MODULE_FLOORS = [
  ['districts'], //          district configuration catalog
  ['access'], //             audit log, staff roles, the scope of a request (PRV-1)
  ['accounts', 'addresses'],
  ['applications'], //       requests and their lifecycle (the one owner of a status)
  ['students'], //           its moves record request events through the lifecycle
  ['documents'],
  ['decisions'],
  ['permit-life'],
  ['enrollment'], //         a school's roll (issue 15): may read the permit that placed a student
  ['attendance'], //         a school's attendance (issue 16), kept on the roll
  ['staff'], //              the staff office's own pages
  ['home'],
];

/** The files every module may use besides the modules below it. */
const SHARED_BELOW_THE_MODULES = ['^src/platform/', '^src/config[.]ts$', '^src/rate-limits[.]ts$', '^src/deps[.]ts$'];

const anyOf = (names) => `(${names.join('|')})`;

const floorRules = MODULE_FLOORS.flatMap((floor, level) => {
  const below = MODULE_FLOORS.slice(0, level).flat();
  return floor.map((name) => ({
    name: `floor-${name}`,
    severity: 'error',
    comment:
      below.length === 0
        ? `src/modules/${name} is the lowest module: it imports no other module.`
        : `src/modules/${name} imports only the modules below it: ${below.join(', ')}.`,
    from: { path: `^src/modules/${name}/` },
    to: {
      path: '^src/',
      pathNot: [`^src/modules/${anyOf([name, ...below])}/`, ...SHARED_BELOW_THE_MODULES],
    },
  }));
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle among files, and therefore none among modules: a cycle is a bug.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'platform-knows-no-module',
      severity: 'error',
      comment: 'src/platform is the technical floor: it imports nothing of src/ outside src/platform.',
      from: { path: '^src/platform/' },
      to: { path: '^src/', pathNot: '^src/platform/' },
    },
    {
      name: 'config-on-the-platform',
      severity: 'error',
      comment: 'The typed environment (src/config.ts, src/rate-limits.ts) stands on the platform alone.',
      from: { path: '^src/(config|rate-limits)[.]ts$' },
      to: { path: '^src/', pathNot: ['^src/platform/', '^src/(config|rate-limits)[.]ts$'] },
    },
    {
      name: 'deps-below-the-modules',
      severity: 'error',
      comment:
        'src/deps.ts (what the wiring hands down) names only platform types, the config and the district catalog: every module imports it.',
      from: { path: '^src/deps[.]ts$' },
      to: { path: '^src/', pathNot: ['^src/platform/', '^src/(config|rate-limits)[.]ts$', '^src/modules/districts/'] },
    },
    {
      name: 'module-on-the-map',
      severity: 'error',
      comment: 'Every folder of src/modules is on the map: a new module is added to MODULE_FLOORS, on the floor it needs.',
      from: { path: '^src/modules/', pathNot: [`^src/modules/${anyOf(MODULE_FLOORS.flat())}/`, '^src/modules/index[.]ts$'] },
      to: {},
    },
    ...floorRules,
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A file of src that imports nothing and that nothing imports is dead: remove it (unit tests stand alone).',
      from: { orphan: true, pathNot: ['[.]d[.]ts$', '[.]test[.]tsx?$'] },
      to: {},
    },
    {
      name: 'src-imports-no-tests',
      severity: 'error',
      comment: 'The application never imports test, bench or e2e code (tests beside the code may use test/support).',
      from: { path: '^src/', pathNot: '[.]test[.]tsx?$' },
      to: { path: '^(test|bench|e2e)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(src|test|bench|e2e)/',
    // type-only imports count: a cycle through a type is still a cycle in the map
    tsPreCompilationDeps: true,
    // `.js` specifiers resolve to the `.ts`/`.tsx` files (NodeNext)
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
