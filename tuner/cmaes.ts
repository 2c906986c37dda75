/**
 * CMA-ES (Hansen's (μ/μ_w, λ) rules with positive recombination weights) on the numeric parameters, in the unit
 * cube of their (log) ranges as Optuna's CmaEsSampler does; categorical parameters are drawn at random, as in
 * Katib's goptuna backend. Settings: `sigma` (initial step in that unit cube, default 1/6), `restart_strategy`
 * none | ipop | bipop (population ×2 per restart), `random_state`.
 *
 * Stateless: the state is rebuilt by replaying the history. Trials join the current generation in index
 * order; a generation is told (and the next one begins) once λ of its trials have succeeded; failed,
 * earlyStopped and metricsUnavailable trials are left out (Optuna's default consider_pruned_trials=False) and
 * replaced by new members. When λ members are succeeded or running, the next suggestion is `wait`.
 */
import { symmetricEigen } from './linalg';
import { Dim, fromModel, INumericDim, modelSpace, sampleModelRandom, toModel } from './model-space';
import { Rng, STREAM } from './rng';
import { floatSetting, seedOf } from './settings';
import { ISuggestRequest, ITrialHistory, ParamValue, Suggestion } from './types';

const RESTART_STREAM = 101;

class Cma {
  readonly n: number;
  readonly lambda: number;
  readonly sigma0: number;
  mean: number[];
  sigma: number;
  C: number[][];
  B: number[][] = [];
  D: number[] = [];
  pc: number[];
  ps: number[];
  g = 0;
  funhist: number[] = [];
  private readonly mu: number;
  private readonly weights: number[];
  private readonly mueff: number;
  private readonly cc: number;
  private readonly c1: number;
  private readonly cmu: number;
  private readonly cs: number;
  private readonly ds: number;
  private readonly chiN: number;

  constructor(mean: number[], sigma: number, lambda: number, sigma0: number) {
    const n = mean.length;
    this.n = n;
    this.mean = [...mean];
    this.sigma = sigma;
    this.sigma0 = sigma0;
    this.lambda = lambda;
    this.mu = Math.floor(lambda / 2);
    const raw = Array.from(
      { length: this.mu },
      (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1)
    );
    const sum = raw.reduce((a, b) => a + b, 0);
    this.weights = raw.map(w => w / sum);
    this.mueff = 1 / this.weights.reduce((a, w) => a + w * w, 0);
    this.cc = (4 + this.mueff / n) / (n + 4 + (2 * this.mueff) / n);
    this.c1 = 2 / ((n + 1.3) ** 2 + this.mueff);
    this.cmu = Math.min(
      1 - this.c1,
      (2 * (this.mueff - 2 + 1 / this.mueff)) / ((n + 2) ** 2 + this.mueff)
    );
    this.cs = (this.mueff + 2) / (n + this.mueff + 5);
    this.ds = 1 + 2 * Math.max(0, Math.sqrt((this.mueff - 1) / (n + 1)) - 1) + this.cs;
    this.chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
    this.C = mean.map((_, i) => mean.map((__, j) => (i === j ? 1 : 0)));
    this.pc = new Array<number>(n).fill(0);
    this.ps = new Array<number>(n).fill(0);
    this.decompose();
  }

  private decompose(): void {
    const { values, vectors } = symmetricEigen(this.C);
    this.B = vectors;
    this.D = values.map(v => Math.sqrt(Math.max(v, 1e-300)));
  }

  /** A candidate in [0,1]^n: resampled up to 10n times when outside, then clipped (the cmaes library's rule). */
  ask(rng: Rng): number[] {
    let x: number[] = [];
    for (let attempt = 0; attempt < 10 * this.n + 1; attempt++) {
      const z = Array.from({ length: this.n }, () => rng.normal());
      x = this.mean.map((m, i) => {
        let y = 0;
        for (let j = 0; j < this.n; j++) {
          y += this.B[i][j] * this.D[j] * z[j];
        }
        return m + this.sigma * y;
      });
      if (x.every(v => v >= 0 && v <= 1)) {
        return x;
      }
    }
    return x.map(v => Math.min(1, Math.max(0, v)));
  }

  /** `solutions`: exactly λ (x, f) pairs, f to be minimised. */
  tell(solutions: { x: number[]; f: number }[]): void {
    const n = this.n;
    const sorted = [...solutions].sort((a, b) => a.f - b.f);
    this.g += 1;
    this.funhist.push(sorted[0].f, sorted[sorted.length - 1].f);
    const ys = sorted
      .slice(0, this.mu)
      .map(s => s.x.map((v, i) => (v - this.mean[i]) / this.sigma));
    const yw = new Array<number>(n).fill(0);
    ys.forEach((y, k) => y.forEach((v, i) => (yw[i] += this.weights[k] * v)));
    this.mean = this.mean.map((m, i) => m + this.sigma * yw[i]);
    // C^(-1/2)·y_w = B·D^(-1)·Bᵀ·y_w
    const bty = Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        s += this.B[i][j] * yw[i];
      }
      return s / this.D[j];
    });
    const cInvSqrtY = Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let j = 0; j < n; j++) {
        s += this.B[i][j] * bty[j];
      }
      return s;
    });
    const csFactor = Math.sqrt(this.cs * (2 - this.cs) * this.mueff);
    this.ps = this.ps.map((p, i) => (1 - this.cs) * p + csFactor * cInvSqrtY[i]);
    const psNorm = Math.sqrt(this.ps.reduce((a, v) => a + v * v, 0));
    this.sigma *= Math.exp((this.cs / this.ds) * (psNorm / this.chiN - 1));
    this.sigma = Math.min(this.sigma, 1e32);
    const hSigma =
      psNorm / Math.sqrt(1 - Math.pow(1 - this.cs, 2 * this.g)) < (1.4 + 2 / (n + 1)) * this.chiN
        ? 1
        : 0;
    const ccFactor = Math.sqrt(this.cc * (2 - this.cc) * this.mueff);
    this.pc = this.pc.map((p, i) => (1 - this.cc) * p + hSigma * ccFactor * yw[i]);
    const deltaH = (1 - hSigma) * this.cc * (2 - this.cc);
    const keep = 1 + this.c1 * deltaH - this.c1 - this.cmu;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let rankMu = 0;
        ys.forEach((y, k) => (rankMu += this.weights[k] * y[i] * y[j]));
        this.C[i][j] = keep * this.C[i][j] + this.c1 * this.pc[i] * this.pc[j] + this.cmu * rankMu;
      }
    }
    this.decompose();
  }

  /** The cmaes library's stop tests that matter at our budgets: TolFun, TolX, ConditionCov, NoEffectCoord. */
  shouldStop(): boolean {
    const n = this.n;
    const funhistTerm = 10 + Math.ceil((30 * n) / this.lambda);
    const recent = this.funhist.slice(-2 * funhistTerm);
    if (this.g > funhistTerm && Math.max(...recent) - Math.min(...recent) < 1e-12) {
      return true;
    }
    const tolx = 1e-12 * this.sigma0;
    const diag = this.C.map((row, i) => row[i]);
    if (
      diag.every(
        (c, i) => this.sigma * Math.sqrt(c) < tolx && this.sigma * Math.abs(this.pc[i]) < tolx
      )
    ) {
      return true;
    }
    const maxD = Math.max(...this.D);
    const minD = Math.min(...this.D);
    if ((maxD * maxD) / (minD * minD) > 1e14) {
      return true;
    }
    return diag.some((c, i) => this.mean[i] === this.mean[i] + 0.2 * this.sigma * Math.sqrt(c));
  }
}

export function defaultPopulation(n: number): number {
  return 4 + Math.floor(3 * Math.log(n));
}

interface IRestarts {
  strategy: string;
  count: number;
  largeRestarts: number;
  smallEvals: number;
  largeEvals: number;
  currentIsSmall: boolean;
}

/** IPOP: population ×2 per restart. BIPOP (Hansen 2009, as Optuna 2.x/goptuna): alternate large and small runs. */
function restart(
  cma: Cma,
  r: IRestarts,
  seed: number,
  n: number,
  lambda0: number,
  sigma0: number
): Cma {
  const spent = cma.g * cma.lambda;
  if (r.currentIsSmall) {
    r.smallEvals += spent;
  } else {
    r.largeEvals += spent;
  }
  r.count += 1;
  const rng = new Rng(seed, r.count, RESTART_STREAM);
  const mean = Array.from({ length: n }, () => rng.random());
  if (r.strategy === 'ipop') {
    return new Cma(mean, sigma0, cma.lambda * 2, sigma0);
  }
  if (r.smallEvals < r.largeEvals) {
    r.currentIsSmall = true;
    const multiplier = Math.pow(2, r.largeRestarts);
    const lambda = Math.max(lambda0, Math.floor(lambda0 * Math.pow(multiplier, rng.random() ** 2)));
    return new Cma(mean, sigma0 * Math.pow(10, -2 * rng.random()), lambda, sigma0);
  }
  r.currentIsSmall = false;
  r.largeRestarts += 1;
  return new Cma(mean, sigma0, lambda0 * Math.pow(2, r.largeRestarts), sigma0);
}

function unitCube(dims: INumericDim[], trial: ITrialHistory): number[] | undefined {
  const x = dims.map(dim => {
    const v = trial.params[dim.p.name];
    return v === undefined ? NaN : (toModel(dim, v) - dim.low) / (dim.high - dim.low);
  });
  return x.some(Number.isNaN) ? undefined : x.map(v => Math.min(1, Math.max(0, v)));
}

interface IReplay {
  cma: Cma;
  restarts: IRestarts;
  members: { trial: ITrialHistory; x: number[] }[];
  dims: Dim[];
  numeric: INumericDim[];
  seed: number;
}

function replay(request: ISuggestRequest, history: ITrialHistory[]): IReplay {
  const settings = request.algorithm.settings;
  const seed = seedOf(request.seed, settings);
  const dims = modelSpace(request.parameters);
  const numeric = dims.filter((d): d is INumericDim => d.kind === 'num');
  const n = numeric.length;
  const sigma0 = floatSetting(settings, ['sigma'], 1 / 6)!;
  const lambda0 = defaultPopulation(n);
  const restarts: IRestarts = {
    strategy: settings?.restart_strategy ?? 'none',
    count: 0,
    largeRestarts: 0,
    smallEvals: 0,
    largeEvals: 0,
    currentIsSmall: false
  };
  let cma = new Cma(new Array<number>(n).fill(0.5), sigma0, lambda0, sigma0);
  const sign = request.direction === 'maximize' ? -1 : 1;
  let members: { trial: ITrialHistory; x: number[] }[] = [];
  for (const trial of [...history].sort((a, b) => a.index - b.index)) {
    const x = unitCube(numeric, trial);
    if (!x) {
      continue;
    }
    members.push({ trial, x });
    const usable = members.filter(
      m => m.trial.state === 'succeeded' && Number.isFinite(m.trial.objective)
    );
    if (usable.length >= cma.lambda) {
      cma.tell(usable.slice(0, cma.lambda).map(m => ({ x: m.x, f: sign * m.trial.objective! })));
      members = [];
      if (restarts.strategy !== 'none' && cma.shouldStop()) {
        cma = restart(cma, restarts, seed, n, lambda0, sigma0);
      }
    }
  }
  return { cma, restarts, members, dims, numeric, seed };
}

/** Where a CMA-ES study stands after its history: for tests and for showing progress. */
export function cmaesProgress(request: ISuggestRequest, history: ITrialHistory[]) {
  const { cma, restarts } = replay(request, history);
  return {
    generation: cma.g,
    population: cma.lambda,
    sigma: cma.sigma,
    mean: cma.mean,
    restarts: restarts.count
  };
}

export function suggestCmaes(request: ISuggestRequest, history: ITrialHistory[]): Suggestion {
  const { cma, members, dims, numeric, seed } = replay(request, history);
  const busy = members.filter(
    m =>
      m.trial.state === 'running' ||
      (m.trial.state === 'succeeded' && Number.isFinite(m.trial.objective))
  ).length;
  if (busy >= cma.lambda) {
    return {
      kind: 'wait',
      reason: `cmaes waits for generation ${cma.g + 1} to finish (population ${cma.lambda})`
    };
  }
  const rng = new Rng(seed, history.length, STREAM.cmaes);
  const x = cma.ask(rng);
  const params: Record<string, ParamValue> = {};
  numeric.forEach(
    (dim, i) => (params[dim.p.name] = fromModel(dim, dim.low + x[i] * (dim.high - dim.low)))
  );
  const categoricalRng = new Rng(seed, history.length, STREAM.categorical);
  dims
    .filter((d): d is Exclude<Dim, INumericDim> => d.kind === 'cat')
    .forEach(dim => (params[dim.p.name] = sampleModelRandom(dim, categoricalRng)));
  return { kind: 'trial', params };
}
