// Runs one TypeScript entry of the test harness under plain node: esbuild bundles it into one ES module beside
// the repo's node_modules (packages stay external), keeping each file's own `__dirname`, by which the harness
// finds its build scripts, go.mod files and Python sources. Same scheme as ui-tests/k8s/run.js.
// Usage: node test/run-ts.js FILE.ts [ARGS…]   (ARGS reach the entry as process.argv.slice(2))
const { build } = require('esbuild');
const { readFile } = require('node:fs/promises');
const { basename, dirname, join, resolve } = require('node:path');

const entry = resolve(process.argv[2]);
const repo = join(__dirname, '..');
const outfile = join(repo, 'node_modules', '.cache', 'kfwb-run-ts', `${basename(entry, '.ts')}.mjs`);
process.argv.splice(2, 1);

const keepDirname = {
  name: 'keep-dirname',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async args => ({
      contents: (await readFile(args.path, 'utf8')).replace(/\b__dirname\b/g, JSON.stringify(dirname(args.path))),
      loader: 'ts'
    }));
  }
};

build({
  entryPoints: [entry],
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
