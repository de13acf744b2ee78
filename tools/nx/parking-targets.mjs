// An Nx plugin giving every workspace package (libs/*, services/*) cached `lint` and `test-unit` targets,
// beside the `build` its package.json already has, so that `npm test` re-runs them only for the projects
// whose inputs changed (nx.json says what the inputs are). The whole repo's other files (e2e/, deploy/,
// bench/, tools/, the root configs) are linted by the root project's `lint-rest`.
import path from 'node:path';

const lintInputs = [
  'default',
  '{workspaceRoot}/eslint.config.js',
  { externalDependencies: ['eslint', 'typescript-eslint', '@eslint/js', 'globals'] },
];

function targetsFor(root) {
  const targets = {
    lint: {
      command: `eslint ${root} --max-warnings=0`,
      options: { cwd: '{workspaceRoot}' },
      cache: true,
      inputs: lintInputs,
      outputs: [],
    },
  };
  targets['test-unit'] = {
    // --passWithNoTests: a package without unit tests is not a failure.
    command: `node --experimental-vm-modules node_modules/jest/bin/jest.js --selectProjects unit --passWithNoTests --testPathPatterns '/${root}/'`,
    options: { cwd: '{workspaceRoot}' },
    cache: true,
    // A unit test runs the project's sources and, through the path mapping, its dependencies' sources.
    inputs: [
      'default',
      '^production',
      '{workspaceRoot}/jest.config.js',
      { externalDependencies: ['jest', '@swc/jest', '@swc/core'] },
    ],
    outputs: [],
  };
  return targets;
}

export const createNodes = [
  '{libs,services}/*/package.json',
  async (files) =>
    files.map((file) => {
      const root = path.posix.dirname(file);
      return [file, { projects: { [root]: { targets: targetsFor(root) } } }];
    }),
];
