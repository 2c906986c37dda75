/**
 * Runs the benchmarks of issue 4: node bench/run.mjs jobs|latency|sidebar|all
 * Rebuilds the proxy bundle (so the figures are of the current source; KFWB_BENCH_SKIP_BUILD=1 skips it),
 * bundles bench/jobs-main.ts with esbuild into a temp dir and runs it; it prints one table per benchmark.
 */
import { build } from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const which = process.argv[2] ?? 'all';

if (!process.env.KFWB_BENCH_SKIP_BUILD) {
  const proxyBuild = spawnSync(process.execPath, [join(REPO, 'proxy/build.mjs')], {
    stdio: 'inherit'
  });
  if (proxyBuild.status !== 0) {
    process.exit(proxyBuild.status ?? 1);
  }
}

/**
 * The cluster harness (test/apiserver, and test/operators for the pinned upstream versions) finds build.sh and
 * its CRD files through __dirname, which an ESM bundle
 * does not have: give each of those modules its own source directory.
 */
const sourceDirname = {
  name: 'source-dirname',
  setup(b) {
    b.onLoad({ filter: /[\\/]test[\\/](apiserver|operators)[\\/][^\\/]+\.ts$/ }, args => ({
      contents: `const __dirname = ${JSON.stringify(dirname(args.path))};\n${readFileSync(args.path, 'utf8')}`,
      loader: 'ts'
    }));
  }
};

const outdir = mkdtempSync(join(tmpdir(), 'kfwb-bench-'));
try {
  await build({
    entryPoints: [join(REPO, 'bench/jobs-main.ts')],
    outfile: join(outdir, 'jobs-main.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: 'inline',
    // Same banner as proxy/build.mjs: CommonJS dependencies call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __kfwbCreateRequire } from 'node:module'; const require = __kfwbCreateRequire(import.meta.url);"
    },
    plugins: [sourceDirname],
    logLevel: 'warning'
  });
  const code = await new Promise(ok => {
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', join(outdir, 'jobs-main.mjs'), which],
      {
        stdio: 'inherit',
        env: { ...process.env, KFWB_BENCH_REPO: REPO }
      }
    );
    // Ctrl-C reaches the child through the terminal; it stops its cluster, proxy and jupyter lab itself.
    const forward = signal => child.kill(signal);
    process.on('SIGTERM', forward);
    process.on('SIGINT', () => undefined);
    child.on('exit', (status, signal) => ok(status ?? (signal ? 1 : 0)));
  });
  process.exitCode = code;
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
