// Bundles the proxy into ESM files shipped inside the wheel: no native modules, Node >= 20.
// Two entries: proxy.mjs (the server) and analysis-worker.mjs (the worker thread the analysis route starts; the
// proxy finds it next to itself through __kfwbBundleUrl). `--outdir DIR` builds elsewhere (tests, benchmarks).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url)));
const clientNode = JSON.parse(
  readFileSync(new URL('../node_modules/@kubernetes/client-node/package.json', import.meta.url))
);
const at = process.argv.indexOf('--outdir');
const outdir =
  at > 0
    ? process.argv[at + 1]
    : new URL('../kubeflow_workbench/proxy_dist', import.meta.url).pathname;

await build({
  entryPoints: {
    proxy: new URL('./src/main.ts', import.meta.url).pathname,
    'analysis-worker': new URL('../engine/worker/analysis-worker.ts', import.meta.url).pathname
  },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  sourcemap: false,
  legalComments: 'external',
  // CommonJS dependencies call require() for Node built-ins; give them one in the ESM bundle.
  banner: {
    js:
      "import { createRequire as __kfwbCreateRequire } from 'node:module'; const require = __kfwbCreateRequire(import.meta.url);" +
      ' const __kfwbBundleUrl = import.meta.url;'
  },
  define: {
    __PROXY_VERSION__: JSON.stringify(pkg.version),
    __CLIENT_NODE_VERSION__: JSON.stringify(clientNode.version)
  },
  logLevel: 'warning'
});
