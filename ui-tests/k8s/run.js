// Runs ui-tests/k8s/cluster.ts (the jest test harness, in TypeScript) under plain node: esbuild bundles our files
// into one ES module beside the repo's node_modules (so @kubernetes/client-node, an ES module, stays external),
// with each file's own `__dirname` kept, since the harness finds its build scripts and go.mod files by it.
// Usage: node ui-tests/k8s/run.js [-- COMMAND ARGS…]
const { build } = require('esbuild');
const { readFile } = require('node:fs/promises');
const { dirname, join } = require('node:path');

const repo = join(__dirname, '..', '..');
const outfile = join(repo, 'node_modules', '.cache', 'kfwb-k8s-cluster', 'cluster.mjs');

const keepDirname = {
  name: 'keep-dirname',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async args => ({
      contents: (await readFile(args.path, 'utf8')).replace(
        /\b__dirname\b/g,
        JSON.stringify(dirname(args.path))
      ),
      loader: 'ts'
    }));
  }
};

build({
  entryPoints: [join(__dirname, 'cluster.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  plugins: [keepDirname],
  logLevel: 'warning'
})
  .then(() => import(outfile))
  .catch(e => {
    process.stderr.write(`${e.stack || e}\n`);
    process.exit(1);
  });
