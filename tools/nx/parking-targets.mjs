// An Nx plugin: every workspace package (libs/*, services/*) gets cached `lint` and `test-unit` targets
// beside the `build` of its package.json, and the repository root a project `workspace` for what belongs
// to no package (e2e/, deploy/, bench/, tools/, the root configs) and for the whole-repo checks: the
// format check and the type-check of the specs. `npm test` runs them with `nx run-many`, so a second run
// re-runs only the targets whose inputs changed. What the inputs are is written here and in nx.json;
// a target whose inputs are too narrow would hide a real change, so each lists everything it reads.
import path from 'node:path';

const lintTools = { externalDependencies: ['eslint', 'typescript-eslint', '@eslint/js', 'globals'] };
const jestTools = { externalDependencies: ['jest', '@swc/jest', '@swc/core'] };

/** The unit tests' summary (jest --json), kept as the target's output so a cached run still counts them. */
const unitSummary = (root) =>
  `test-artifacts/unit/${root === '.' ? 'workspace' : root.replace(/\//g, '-')}.json`;

function jestUnit(root, pathPattern) {
  return {
    // --passWithNoTests: a package without unit tests is not a failure.
    command: `mkdir -p test-artifacts/unit && node --experimental-vm-modules node_modules/jest/bin/jest.js --selectProjects unit --passWithNoTests --testPathPatterns '${pathPattern}' --json --outputFile=${unitSummary(root)}`,
    options: { cwd: '{workspaceRoot}' },
    cache: true,
    outputs: [`{workspaceRoot}/${unitSummary(root)}`],
  };
}

function packageTargets(root) {
  return {
    lint: {
      command: `eslint ${root} --max-warnings=0`,
      options: { cwd: '{workspaceRoot}' },
      cache: true,
      inputs: ['default', '{workspaceRoot}/eslint.config.js', lintTools],
      outputs: [],
    },
    'test-unit': {
      ...jestUnit(root, `/${root}/`),
      // A unit test runs the package's sources and, through jest's path mapping, its dependencies'.
      // @parking/testing (deciderSpec) is imported by specs only, so it is no dependency in the
      // package.json the project graph is made of: named here, or a change to it would be hidden.
      inputs: [
        'default',
        '^production',
        '{workspaceRoot}/libs/testing/src/**/*',
        '{workspaceRoot}/jest.config.js',
        '{workspaceRoot}/tsconfig.base.json',
        jestTools,
      ],
    },
  };
}

// The root project: only what no package holds, except for the whole-repo checks.
const rest = ['{workspaceRoot}/**/*', '!{workspaceRoot}/libs/**/*', '!{workspaceRoot}/services/**/*'];
const everything = ['{workspaceRoot}/**/*', '!{workspaceRoot}/**/dist/**/*'];
const workspaceTargets = {
  lint: {
    command: "eslint . --max-warnings=0 --ignore-pattern 'libs/**' --ignore-pattern 'services/**'",
    options: { cwd: '{workspaceRoot}' },
    cache: true,
    inputs: [...rest, lintTools],
    outputs: [],
  },
  'format-check': {
    command: 'prettier --check . --log-level warn',
    options: { cwd: '{workspaceRoot}' },
    cache: true,
    inputs: [...everything, { externalDependencies: ['prettier'] }],
    outputs: [],
  },
  // The specs import the packages (their dist/ types), so every package is built first.
  'typecheck-specs': {
    command: 'tsc -p tsconfig.spec.json',
    options: { cwd: '{workspaceRoot}' },
    cache: true,
    dependsOn: [{ projects: ['@parking/*'], target: 'build' }],
    inputs: [...everything, { externalDependencies: ['typescript'] }],
    outputs: [],
  },
  'test-unit': {
    ...jestUnit('.', '/deploy/'),
    // deploy/'s unit specs read docker-compose, the Dockerfiles and the k8s overlays.
    inputs: [...everything, jestTools],
  },
};

export const createNodes = [
  '{package.json,{libs,services}/*/package.json}',
  async (files) =>
    files.map((file) => {
      const root = path.posix.dirname(file);
      if (root === '.')
        return [file, { projects: { '.': { name: 'workspace', targets: workspaceTargets } } }];
      return [file, { projects: { [root]: { targets: packageTargets(root) } } }];
    }),
];
