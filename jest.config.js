// One jest run, four projects: the frontend in jsdom, the proxy and the analysis engine in node,
// and the integration suite against a real kube-apiserver (started by its global setup).
const jlabConfig = require('@jupyterlab/testing/lib/jest-config');

const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }];
// Packages published as ES modules only; ts-jest turns them into CommonJS for jest.
const esmOnly = [
  '@kubernetes/client-node',
  'openid-client',
  'oauth4webapi',
  'jose',
  'apache-arrow',
  'flatbuffers',
  'json-bignum',
  'cookie',
  'hyparquet'
].join('|');

const ignored = [
  '<rootDir>/.venv/',
  '<rootDir>/ui-tests/',
  '<rootDir>/kubeflow_workbench/',
  '<rootDir>/lib/'
];

const nodeProject = (name, testMatch, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  testMatch,
  transform: { '^.+\\.[tj]sx?$': tsJest, '^.+\\.mjs$': tsJest },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly})/)`],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
  modulePathIgnorePatterns: ignored,
  ...extra
});

const { reporters, testTimeout, coverageReporters, coverageDirectory, ...frontend } =
  jlabConfig(__dirname);

module.exports = {
  testTimeout: 120000,
  modulePathIgnorePatterns: ignored,
  projects: [
    {
      ...frontend,
      displayName: 'unit',
      modulePathIgnorePatterns: ignored,
      testRegex: undefined,
      testMatch: ['<rootDir>/src/**/*.spec.ts?(x)', '<rootDir>/contract/**/*.spec.ts'],
      transform: { ...frontend.transform, '^.+\\.tsx?$': tsJest },
      // JupyterLab packages ship ES modules; babel (JupyterLab's config) turns them into CommonJS for jest.
      transformIgnorePatterns: [
        '/node_modules/(?!(@jupyterlab|@jupyter|@lumino|@codemirror|@lezer|lib0|y-protocols|yjs|marked|nanoid|vscode-ws-jsonrpc|exenv-es6|color|@microsoft)/)'
      ],
      moduleNameMapper: {
        ...frontend.moduleNameMapper,
        '^yaml$': '<rootDir>/node_modules/yaml/dist/index.js'
      }
    },
    nodeProject('proxy', ['<rootDir>/proxy/test/**/*.spec.ts']),
    nodeProject('engine', ['<rootDir>/engine/**/*.spec.ts']),
    nodeProject('tuner', ['<rootDir>/tuner/**/*.spec.ts']),
    nodeProject('compiler', ['<rootDir>/compiler/**/*.spec.ts'], {
      // The KFP SDK venv the IR fidelity tests parse and compare with (test/kfp/venv.sh).
      globalSetup: '<rootDir>/test/kfp/globalSetup.ts'
    }),
    nodeProject('integration', ['<rootDir>/test/integration/**/*.spec.ts'], {
      globalSetup: '<rootDir>/test/apiserver/globalSetup.ts',
      globalTeardown: '<rootDir>/test/apiserver/globalTeardown.ts'
    }),
    // The real Training Operator and a kwok node on their own cluster (slower to start; run it separately).
    nodeProject('operators', ['<rootDir>/test/operators/**/*.spec.ts'], {
      globalSetup: '<rootDir>/test/operators/globalSetup.ts',
      globalTeardown: '<rootDir>/test/operators/globalTeardown.ts'
    })
  ]
};
