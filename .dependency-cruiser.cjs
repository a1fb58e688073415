/**
 * The architecture check: data flows one way, sources -> inventory ->
 * engine -> findings -> report -> cli. A stage may import the stages
 * before it and the shared leaves (model, errors, package), never a later one.
 */
const stages = ['model|errors|package|documents|catalog', 'sources', 'inventory', 'rules', 'engine', 'findings', 'report', 'cli', 'bin'];
const later = (i) => `^src/(${stages.slice(i + 1).join('|')})(/|\\.ts$)`;

module.exports = {
  forbidden: [
    ...stages.slice(0, -1).map((stage, i) => ({
      name: `no-${stage.split('|')[0]}-to-later-stage`,
      comment: `src/${stage} may not import a later stage`,
      severity: 'error',
      from: { path: `^src/(${stage})(/|\\.ts$)` },
      to: { path: later(i) },
    })),
    {
      name: 'engine-is-pure',
      comment: 'the engine does no I/O: no sources, reporters, CLI, file system or network',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: ['^src/(sources|report|cli)/', '^(node:)?(fs|net|http|https|child_process)$'] },
    },
    {
      name: 'reporters-import-no-source',
      comment: 'reporters only present a ScanResult',
      severity: 'error',
      from: { path: '^src/report/' },
      to: { path: ['^src/sources/', '^(node:)?(fs|net|http|https|child_process)$'] },
    },
    {
      name: 'only-the-cli-wires-stages',
      comment: 'sources know nothing of rules, the engine or findings',
      severity: 'error',
      from: { path: '^src/sources/' },
      to: { path: '^src/(rules|engine|findings)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
