/**
 * Tuning benchmark: our local tuner (tuner/) against Optuna on Branin and Hartmann6, side by side in one run.
 *   node bench/tuning/run.mjs            (KFWB_BENCH_SEEDS / KFWB_BENCH_TRIALS override 20 seeds × 100 trials)
 * Optuna comes from PyPI into the bench's own venv under the cache dir (bench/tuning/venv.sh). Our side is
 * bundled with esbuild and run in Node. Prints two markdown tables: best value found (median and quartiles
 * over the seeds) and suggestion latency with 100 and 1,000 completed trials.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO = resolve(HERE, '../..');
/** 100 uniform points of [0,1]^6 from a fixed seed: the shared history of the same-history check. */
function fixedPoints(n) {
  let state = 7;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: n }, () => Array.from({ length: 6 }, random));
}

const config = {
  seeds: Number(process.env.KFWB_BENCH_SEEDS ?? 20),
  trials: Number(process.env.KFWB_BENCH_TRIALS ?? 100),
  latency_sizes: [100, 1000],
  latency_repeats: 20,
  distribution: {
    points: fixedPoints(100),
    seeds: Number(process.env.KFWB_BENCH_DISTRIBUTION_SEEDS ?? 1000)
  }
};

const run = (cmd, args) =>
  execFileSync(cmd, args, {
    cwd: REPO,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'inherit']
  });

const python = run('bash', [join(HERE, 'venv.sh')]).trim();
const outdir = mkdtempSync(join(tmpdir(), 'kfwb-bench-tuning-'));
let ours;
let optuna;
try {
  await build({
    entryPoints: [join(HERE, 'ours.ts')],
    outfile: join(outdir, 'ours.mjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning'
  });
  let t0 = Date.now();
  ours = JSON.parse(run(process.execPath, [join(outdir, 'ours.mjs'), JSON.stringify(config)]));
  console.error(`ours: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  t0 = Date.now();
  optuna = JSON.parse(run(python, [join(HERE, 'optuna_side.py'), JSON.stringify(config)]));
  console.error(`optuna ${optuna.version}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
} finally {
  rmSync(outdir, { recursive: true, force: true });
}

/** numpy's default (linear) percentile. */
function percentile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  const pos = (q / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

const LABELS = {
  'ours-tpe': 'ours `tpe` (Optuna 4.x defaults)',
  'optuna-tpe': 'Optuna `TPESampler()`',
  'ours-tpe-multivariate': 'ours `multivariate-tpe`',
  'optuna-tpe-multivariate': 'Optuna `TPESampler(multivariate=True, constant_liar=True)`',
  'ours-random': 'ours `random` (hyperopt formulas)',
  'optuna-random': 'Optuna `RandomSampler()`',
  'ours-cmaes': 'ours `cmaes` (no Optuna counterpart run)'
};
const ORDER = Object.keys(LABELS);
const table = (header, rows) =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map(r => `| ${r.join(' | ')} |`)
  ].join('\n');
const f4 = x => x.toFixed(4);

const quality = { ...ours.quality };
for (const fn of Object.keys(quality)) {
  quality[fn] = { ...ours.quality[fn], ...optuna.quality[fn] };
}
console.log(
  `Best value found after ${config.trials} trials, ${config.seeds} seeds (0…${config.seeds - 1}); ` +
    `Optuna ${optuna.version}, Node ${process.version}, ${cpus().length} cores\n`
);
const qualityRows = [];
for (const fn of Object.keys(quality)) {
  for (const sampler of ORDER) {
    const bests = quality[fn][sampler];
    if (bests) {
      qualityRows.push([
        fn,
        LABELS[sampler],
        f4(percentile(bests, 50)),
        f4(percentile(bests, 25)),
        f4(percentile(bests, 75))
      ]);
    }
  }
}
console.log(table(['function', 'sampler', 'median best', 'q1', 'q3'], qualityRows));

/** Seeded bootstrap of median(ours) − median(Optuna): is a gap between the two medians more than seed noise? */
function bootstrapMedianGap(a, b, resamples = 4000) {
  let state = 20261130;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const resample = xs => xs.map(() => xs[Math.floor(random() * xs.length)]);
  const gaps = [];
  for (let i = 0; i < resamples; i++) {
    gaps.push(percentile(resample(a), 50) - percentile(resample(b), 50));
  }
  return [percentile(a, 50) - percentile(b, 50), percentile(gaps, 2.5), percentile(gaps, 97.5)];
}

console.log(
  '\nGap in median best, ours − Optuna (negative = ours better), with a 95 % bootstrap interval over the seeds\n'
);
const gapRows = [];
for (const fn of Object.keys(quality)) {
  for (const [mine, theirs] of [
    ['ours-tpe', 'optuna-tpe'],
    ['ours-tpe-multivariate', 'optuna-tpe-multivariate'],
    ['ours-random', 'optuna-random']
  ]) {
    const [gap, lo, hi] = bootstrapMedianGap(quality[fn][mine], quality[fn][theirs]);
    gapRows.push([fn, `${mine} − ${theirs}`, f4(gap), `[${f4(lo)}, ${f4(hi)}]`]);
  }
}
console.log(table(['function', 'pair', 'gap', '95 % interval'], gapRows));

const latency = { ...ours.latency, ...optuna.latency };
console.log(
  `\nSuggestion latency (ms per suggestion, median of ${config.latency_repeats}; Hartmann6's 6-d space)\n`
);
const latencyRows = ORDER.filter(s => latency[s]).map(s => [
  LABELS[s],
  ...config.latency_sizes.map(n =>
    String(Number(percentile(latency[s][String(n)], 50).toPrecision(3)))
  )
]);
console.log(
  table(
    ['sampler', ...config.latency_sizes.map(n => `${n.toLocaleString('en')} completed`)],
    latencyRows
  )
);

/** Two-sample Kolmogorov–Smirnov statistic. */
function ks(a, b) {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] <= v) {
      i++;
    }
    while (j < y.length && y[j] <= v) {
      j++;
    }
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

const n = config.distribution.seeds;
const critical = 1.628 * Math.sqrt(2 / n);
console.log(
  `\nSame history, different seeds: the next suggestion after 100 completed Hartmann6 trials, ${n} seeds each; ` +
    `two-sample Kolmogorov–Smirnov D per coordinate (1 % critical value ${critical.toFixed(3)})\n`
);
const distRows = [];
for (const [mine, theirs] of [
  ['ours-tpe', 'optuna-tpe'],
  ['ours-tpe-multivariate', 'optuna-tpe-multivariate']
]) {
  const a = ours.distribution[mine];
  const b = optuna.distribution[theirs];
  for (let d = 0; d < 6; d++) {
    const xa = a.map(r => r[d]);
    const xb = b.map(r => r[d]);
    distRows.push([
      `${mine} / ${theirs}`,
      `x${d + 1}`,
      `${f4(percentile(xa, 50))} / ${f4(percentile(xb, 50))}`,
      `${f4(percentile(xa, 10))} / ${f4(percentile(xb, 10))}`,
      `${f4(percentile(xa, 90))} / ${f4(percentile(xb, 90))}`,
      ks(xa, xb).toFixed(3)
    ]);
  }
}
console.log(table(['pair', 'coordinate', 'median', 'p10', 'p90', 'KS D'], distRows));
