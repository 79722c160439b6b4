import { javascript, typescript } from 'projen';

// Pinned toolchain and libraries. cdktf is archived upstream (0.21.0 is its last
// release) and @cdktf/provider-aws 20.1.0 targets hashicorp/aws 5.100.0 exactly.
const CDKTF = '0.21.0';
const PROVIDER_AWS = '20.1.0';

// The package's entry points (the `exports` map below) and their sources, for type-checking
// code that imports the package by name (examples, scripts, the benchmark).
const ENTRY_POINTS = ['aws', 'k8s', 'verify'];
const SELF_REFERENCE_PATHS: { [name: string]: string[] } = {
  'cnai-constructs': ['./lib/index.ts'],
  ...Object.fromEntries(ENTRY_POINTS.map((e) => [`cnai-constructs/${e}`, [`./lib/${e}/index.ts`]])),
};

const project = new typescript.TypeScriptProject({
  name: 'cnai-constructs',
  description: 'Construct library for a Cloud Native AI platform on Kubernetes and AWS (cdk8s + cdktf).',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.0.0',

  // Sources live in lib/; compiled output goes to build/ so it never clashes with
  // cdk8s's dist/ or cdktf's cdktf.out/.
  srcdir: 'lib',
  libdir: 'build',
  testdir: 'test',
  entrypoint: 'build/index.js',
  entrypointTypes: 'build/index.d.ts',
  sampleCode: false,

  // Nothing is published or released from CI; CI is .ci/run.
  github: false,
  release: false,
  package: false,
  depsUpgrade: false,
  buildWorkflow: false,
  pullRequestTemplate: false,
  licensed: true,
  license: 'Apache-2.0',
  copyrightOwner: 'cnai-constructs authors',

  // The CDKs and constructs are peers: an app has one construct tree, with the versions it
  // chose. projen adds each peer as a dev dependency pinned to the lower bound, so the
  // library is built and tested against exactly that version (the consumer test installs the
  // packed library next to those versions). Each layer needs only its own CDK: the peers
  // are optional, and an entry point whose CDK is missing fails to load with Node's message.
  peerDeps: [
    `cdktf@${CDKTF}`,
    `@cdktf/provider-aws@${PROVIDER_AWS}`,
    'cdk8s@^2.70.106',
    'cdk8s-plus-27@~2.9.5',
    'constructs@^10.8.1',
  ],
  deps: [
    'yaml@^2.9.1',
    'ajv@^8.20.0',
    '@bufbuild/cel@0.6.1',
  ],
  devDeps: [
    // projen's typescriptVersion option would set @types/node to a dist-tag the
    // registry does not serve; pin both by hand. TypeScript 7 breaks ts-jest/ts-node.
    'typescript@~5.9.3',
    '@types/node@^20',
    'ts-node@^10.9.2',
    // The examples' app commands transpile their own files with sucrase (no type-check: npm test
    // type-checks them), a third of ts-node's start-up.
    'sucrase@3.35.1',
    'projen@0.103.25',
    // cdk8s import (scripts/import-crds.ts) and `cdk8s synth` in examples.
    'cdk8s-cli@2.207.60',
    // `cdktf synth` inside the examples (cdktf is archived upstream; 0.21.0 is its last release).
    'cdktf-cli@0.21.0',
    // The API reference (docs/api) from the TSDoc of the four entry points.
    'typedoc@0.28.20',
    'typedoc-plugin-markdown@4.14.1',
    // The jsii check (scripts/jsii-check.ts): the public API must compile under jsii.
    'jsii@5.9.54',
  ],

  tsconfig: {
    compilerOptions: {
      rootDir: 'lib',
      outDir: 'build',
      lib: ['es2022'],
      target: 'ES2022',
      skipLibCheck: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      // generated CRD bindings have long files; keep declaration output small
      // The build ships no source maps: inline maps with their sources made build/ 22 MB instead
      // of 5, and every process that loads the library read them (tens of ms for the k8s entry).
      inlineSourceMap: false,
      inlineSources: false,
    },
    include: ['lib/**/*.ts'],
  },
  // One dev tsconfig at the root type-checks tests, examples, benchmarks and scripts.
  tsconfigDevFile: 'tsconfig.dev.json',
  typecheckTests: true,
  tsconfigDev: {
    compilerOptions: {
      // Type checking is done once by tsc (the test task's first step); with this,
      // ts-jest only transpiles each file.
      isolatedModules: true,
      lib: ['es2022'],
      target: 'ES2022',
      skipLibCheck: true,
      // Tests and ts-node map stack traces to the sources.
      inlineSourceMap: true,
      inlineSources: true,
      // Examples, scripts and the benchmark import the package by name, as its users do. At run
      // time Node resolves the name to build/ through the `exports` map (a package may import
      // itself); for type-checking, the entry points are mapped to their sources here.
      paths: SELF_REFERENCE_PATHS,
    },
    include: ['.projenrc.ts', 'lib/**/*.ts', 'test/**/*.ts', 'examples/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    exclude: ['node_modules', 'build', '**/cdktf.out', '**/dist', '.cache', '.tmp'],
  },

  jest: true,
  jestOptions: {
    // A test that cannot fail proves nothing: never pass an empty suite, never
    // rewrite snapshots on the fly.
    passWithNoTests: false,
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    coverageText: false,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/build/', '/cdktf.out/', '/dist/'],
      // Terraform init/plan runs take seconds each.
      testTimeout: 180_000,
      // Finds (or fetches) the schema directory once and shares Terraform verdicts.
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      maxWorkers: 2,
      // Suites load the CDKs, the provider bindings and kubectl renders: a worker whose heap
      // has grown past this is replaced after its current file, instead of running out of memory.
      workerIdleMemoryLimit: '1500MB',
      collectCoverage: false,
      // Tests import examples, which import the package by name: in tests the name is the
      // source under test, the same modules the tests import from lib/ (one copy of every
      // class and registry), never a build/ that may be stale.
      moduleNameMapper: {
        '^cnai-constructs$': '<rootDir>/lib/index.ts',
        '^cnai-constructs/(aws|k8s|verify)$': '<rootDir>/lib/$1/index.ts',
      },
    },
  },

  eslint: true,
  eslintOptions: {
    dirs: ['lib'],
    // The dev tsconfig covers lib, tests, examples, benchmarks and scripts.
    tsconfigPath: './tsconfig.dev.json',
    devdirs: ['test', 'examples', 'bench', 'scripts'],
    ignorePatterns: ['lib/imports/**', 'build/**', '**/cdktf.out/**', '**/dist/**', '*.js', '*.d.ts', 'node_modules/'],
  },

  bin: { 'cnai-verify': 'build/verify/cli.js' },
  gitignore: ['/build/',
    // A worktree's node_modules may be a symlink, which the default 'node_modules/' (directories only) does not ignore.
    '/node_modules', 'cdktf.out/', 'dist/', '/report/', '.cache/', '.terraform/', '*.tfstate', '*.tfstate.*', '.terraform.lock.hcl', '/.tmp/'],
});

// What users install: the compiled library and its docs, nothing of the repository's
// tooling (tests, caches, benchmark, scripts, examples importing ../../lib).
project.npmignore?.exclude('/cdktf.out/', '/report/', '/bench/', '/scripts/', '/examples/', '/.cache/', '/.tmp/', '/test-reports/', '/coverage/');
project.package.addField('files', ['build/**/*.js', 'build/**/*.d.ts', 'build/verify/schema-sources.tsv', 'build/verify/upstream-sources.tsv', 'build/verify/upstream-files.sha256', 'README.md', 'LICENSE', 'CHANGELOG.md']);
// Entry points: the shared vocabulary at the root, one per layer, and the verifier.
const entry = (dir: string) => ({ types: `./build/${dir}index.d.ts`, default: `./build/${dir}index.js` });
project.package.addField('exports', {
  '.': entry(''),
  ...Object.fromEntries(ENTRY_POINTS.map((e) => [`./${e}`, entry(`${e}/`)])),
  './package.json': './package.json',
});
project.package.addField('typesVersions', { '*': Object.fromEntries(ENTRY_POINTS.map((e) => [e, [`build/${e}/index.d.ts`]])) });
project.package.addField('peerDependenciesMeta', {
  'cdktf': { optional: true },
  '@cdktf/provider-aws': { optional: true },
  'cdk8s': { optional: true },
  'cdk8s-plus-27': { optional: true },
});
project.package.addVersion('0.1.0');

// Snapshots are rewritten only by hand (`npx jest -u`), never by a task CI could run.
project.tasks.removeTask('test:update');

// The verifier reads its list of schema sources next to its compiled code.
project.postCompileTask.exec('cp lib/verify/schema-sources.tsv lib/verify/upstream-sources.tsv lib/verify/upstream-files.sha256 build/verify/');

// `npm run synth`: the main job. Synthesizes both layers into cdktf.out/ and dist/,
// verifies them (schemas; terraform validate + offline plan), writes the platform and cost
// reports into report/ and prints a summary with the GPU cost. The
// script imports the package by name (build/), so it compiles first: `tsc --build` is
// incremental (a second of checking when build/ is up to date, a full build when it is
// missing or older than lib/).
const synth = project.addTask('synth', {
  description: 'Synthesize the platform (cdktf.out/, dist/), verify it, write its report (report/) and print a summary (compiles first when build/ is missing or stale)',
});
synth.spawn(project.compileTask);
synth.spawn(project.postCompileTask);
synth.exec('ts-node --transpile-only --project tsconfig.dev.json scripts/synth.ts', { receiveArgs: true });
// `npm run verify`: the verifier over what `synth` wrote (or any folder: see cnai-verify --help).
project.addTask('verify', {
  description: 'Verify synthesized output (dist/ and cdktf.out/ by default)',
  exec: 'ts-node --project tsconfig.dev.json lib/verify/cli.ts',
  receiveArgs: true,
});
// `npm run bench`: synth time and memory of platforms of growing size, against budgets.
// It runs the examples as users do and the compiled entry points (build/), so it compiles first.
const bench = project.addTask('bench', {
  description: 'Benchmark the reference platform as users run it, compiled, and for 1 to 1000 served models, against budgets (compiles first)',
});
bench.spawn(project.compileTask);
bench.spawn(project.postCompileTask);
bench.exec('ts-node --transpile-only --project tsconfig.dev.json bench/synth-bench.ts', { receiveArgs: true });
// `npm run docs`: the API reference (docs/api, Markdown, one page per entry point) from the
// TSDoc. typedoc.json treats its warnings as errors: a type the public API uses but no entry
// point exports fails it. CI regenerates it and fails when the committed pages differ.
project.addTask('docs', {
  description: 'Generate the API reference (docs/api) from the TSDoc of the four entry points',
  exec: 'typedoc',
});
// `npx projen jsii`: compiles the jsii surface (lib/core at the root, lib/k8s and lib/aws as
// the submodules `k8s` and `aws`) with jsii in a temporary copy, so that the API stays usable
// from other languages; fails with jsii's errors. The package's own entry points are unchanged.
// `-- --assembly <file>` also writes the assembly (.jsii). CI runs it (.ci/run).
project.addTask('jsii', {
  description: 'Compile the public API (core, k8s, aws) with jsii in a temporary copy of lib/ and fail on jsii errors',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json scripts/jsii-check.ts',
  receiveArgs: true,
});
// Regenerate the typed CRD bindings in lib/imports from the pinned CRDs.
project.addTask('import-crds', {
  description: 'Regenerate lib/imports with cdk8s import from the pinned CRDs',
  exec: 'ts-node --project tsconfig.dev.json scripts/import-crds.ts',
  receiveArgs: true,
});
// Download the pinned schema files into .cache/cnai-schemas (for clones without ../shared).
project.addTask('fetch-schemas', {
  description: 'Download the pinned schema files and check their sha256',
  exec: 'ts-node --project tsconfig.dev.json lib/verify/cli.ts fetch-schemas',
  receiveArgs: true,
});

// Layer boundaries (see docs in README): core imports neither CDK; only lib/aws imports
// cdktf; only lib/k8s (and generated lib/imports) imports cdk8s; the provider package is
// imported per resource, never from its root (the root import costs seconds and GBs).
const providerRoot = {
  name: '@cdktf/provider-aws',
  message: "Import the resource's own module (@cdktf/provider-aws/lib/<resource>), never the package root.",
};
const cdktfPatterns = {
  group: ['cdktf', 'cdktf/*', '@cdktf/*'],
  message: 'Only lib/aws may import cdktf or @cdktf/* (keeps a move to the community fork a rename).',
};
const cdk8sPatterns = {
  group: ['cdk8s', 'cdk8s/*', 'cdk8s-plus-27', 'cdk8s-plus-27/*'],
  message: 'Only lib/k8s and lib/imports may import cdk8s or cdk8s-plus-27.',
};
const layerPatterns = (layer: string) => ({
  group: [`../${layer}`, `../${layer}/*`, `../../${layer}`, `../../${layer}/*`],
  message: 'lib/aws and lib/k8s depend on lib/core only, never on each other.',
});

project.eslint!.addRules({
  'no-restricted-imports': ['error', { paths: [providerRoot] }],
  // The package's own name (examples, scripts, the benchmark) sorts with the other packages, as in users' code.
  'import/order': ['warn', {
    groups: ['builtin', 'external'],
    pathGroups: [{ pattern: 'cnai-constructs{,/**}', group: 'external', position: 'after' }],
    pathGroupsExcludedImportTypes: ['builtin'],
    alphabetize: { order: 'asc', caseInsensitive: true },
  }],
});
project.eslint!.addOverride({
  files: ['lib/core/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      paths: [providerRoot],
      patterns: [cdktfPatterns, cdk8sPatterns, {
        group: ['../aws', '../aws/*', '../k8s', '../k8s/*', '../verify', '../verify/*'],
        message: 'lib/core is the shared vocabulary and imports no other layer.',
      }],
    }],
  },
});
project.eslint!.addOverride({
  files: ['lib/aws/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', { paths: [providerRoot], patterns: [cdk8sPatterns, layerPatterns('k8s')] }],
  },
});
project.eslint!.addOverride({
  files: ['lib/k8s/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', { paths: [providerRoot], patterns: [cdktfPatterns, layerPatterns('aws')] }],
  },
});
project.eslint!.addOverride({
  files: ['lib/verify/**/*.ts'],
  rules: {
    // lib/verify has its own k8s/ folder (the manifest validator): the boundary is by path, not by import string.
    'no-restricted-imports': ['error', { paths: [providerRoot], patterns: [cdktfPatterns, cdk8sPatterns] }],
    'import/no-restricted-paths': ['error', {
      zones: [
        { target: './lib/verify', from: './lib/aws', message: 'lib/verify checks output; it never imports lib/aws.' },
        { target: './lib/verify', from: './lib/k8s', message: 'lib/verify checks output; it never imports lib/k8s.' },
      ],
    }],
  },
});

// projectService resolves each file's nearest tsconfig.json, which leaves tests and
// examples out; point the parser at the dev tsconfig, which covers them all.
const eslintrc = project.tryFindObjectFile('.eslintrc.json')!;
eslintrc.addDeletionOverride('parserOptions.projectService');
eslintrc.addOverride('parserOptions.project', './tsconfig.dev.json');

project.synth();
