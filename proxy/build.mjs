// Bundles the proxy into one ESM file shipped inside the wheel: no native modules, Node >= 20.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url)));
const clientNode = JSON.parse(
  readFileSync(new URL('../node_modules/@kubernetes/client-node/package.json', import.meta.url))
);

await build({
  entryPoints: [new URL('./src/main.ts', import.meta.url).pathname],
  outfile: new URL('../kubeflow_workbench/proxy_dist/proxy.mjs', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  sourcemap: false,
  legalComments: 'external',
  // CommonJS dependencies call require() for Node built-ins; give them one in the ESM bundle.
  banner: {
    js: "import { createRequire as __kfwbCreateRequire } from 'node:module'; const require = __kfwbCreateRequire(import.meta.url);"
  },
  define: {
    __PROXY_VERSION__: JSON.stringify(pkg.version),
    __CLIENT_NODE_VERSION__: JSON.stringify(clientNode.version)
  },
  logLevel: 'warning'
});
