/**
 * The import rules `npm run lint` enforces (dependency-cruiser): no cycles, type-only imports included, and data
 * flowing one way through the capabilities:
 *   lib ← dataset ← embed ← train ← explore ← classify ← notebook / results ← the app shell (App, main, StatusBar)
 * src/app's building blocks (Section, StatusLine, statusStore, FaceCanvas, …) sit beside lib: any section uses them,
 * they use no section. Worker entry files (workers/) are leaves: their contract types live beside the API in src/,
 * so nothing in src imports a worker entry.
 *
 * `npm run lint` fails on any violation not listed in .dependency-cruiser-known-violations.json: the edges that
 * predate these rules and are still to be burnt down (the project worker's contract types, still in its entry file). Cycles have no known exceptions. After removing one, `npx depcruise-baseline …` (same arguments
 * as lint:imports) rewrites the list.
 */
const LAYERS = [
  ['lib', '^src/lib/'],
  ['app-parts', '^src/app/(?!App\\.tsx|StatusBar\\.tsx)'],
  ['dataset', '^src/dataset/'],
  ['embed', '^src/embed/'],
  ['train', '^src/train/'],
  ['explore', '^src/explore/'],
  ['classify', '^src/classify/'],
  ['notebook', '^src/(notebook|results)/'],
];

/** Each layer may import only the layers before it (and itself). */
const layerRules = LAYERS.map(([name, path], i) => ({
  name: `flow-${name}`,
  comment: `${name} may import only ${LAYERS.slice(0, i + 1).map(([n]) => n).join(', ')}: data flows one way`,
  severity: 'error',
  // Tests may reach across layers: an integration test drives the pipeline from the CLI's decoder to a classifier.
  from: { path, pathNot: '\\.test\\.tsx?$' },
  to: {
    path: '^src/',
    pathNot: LAYERS.slice(0, i + 1).map(([, p]) => p),
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles, type-only ones included, tie modules together that should be separable',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'no-worker-entry-imports',
      comment: 'A worker entry only wires its API to the RPC layer: import the API module beside it instead',
      severity: 'error',
      from: { path: '^(src|bench|e2e|scripts)/' },
      to: { path: '^workers/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|^dist/|^models/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.app.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js', '.json'] },
  },
};
