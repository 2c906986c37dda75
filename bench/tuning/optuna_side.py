"""Optuna's side of the tuning benchmark (run by bench/tuning/run.mjs in the bench venv).

argv[1]: JSON {"seeds": int, "trials": int, "latency_sizes": [int], "latency_repeats": int}.
Prints one JSON object: {"quality": {fn: {sampler: [best per seed]}}, "latency": {sampler: {size: [ms]}},
"distribution": {sampler: [[x1..x6] per seed]}, "version"}.
"""

import json
import math
import random
import sys
import time
import warnings

import optuna
from optuna.trial import TrialState

optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
warnings.filterwarnings("ignore", category=FutureWarning)


def branin(p):
    x1, x2 = p["x1"], p["x2"]
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
]
P = [
    [v * 1e-4 for v in row]
    for row in [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
]


def hartmann6(p):
    x = [p[f"x{j + 1}"] for j in range(6)]
    return -sum(
        ALPHA[i] * math.exp(-sum(A[i][j] * (x[j] - P[i][j]) ** 2 for j in range(6)))
        for i in range(4)
    )


FUNCTIONS = {
    "branin": ({"x1": (-5.0, 10.0), "x2": (0.0, 15.0)}, branin),
    "hartmann6": ({f"x{j + 1}": (0.0, 1.0) for j in range(6)}, hartmann6),
}

SAMPLERS = {
    "optuna-tpe": lambda seed: optuna.samplers.TPESampler(seed=seed),
    "optuna-tpe-multivariate": lambda seed: optuna.samplers.TPESampler(
        seed=seed, multivariate=True, constant_liar=True
    ),
    "optuna-random": lambda seed: optuna.samplers.RandomSampler(seed=seed),
}


def distributions(space):
    return {k: optuna.distributions.FloatDistribution(lo, hi) for k, (lo, hi) in space.items()}


def quality(seeds, trials):
    out = {}
    for fn_name, (space, fn) in FUNCTIONS.items():
        dists = distributions(space)
        out[fn_name] = {}
        for sampler_name, make in SAMPLERS.items():
            bests = []
            for seed in range(seeds):
                study = optuna.create_study(sampler=make(seed), direction="minimize")
                for _ in range(trials):
                    trial = study.ask(dists)
                    study.tell(trial, fn(trial.params))
                bests.append(study.best_value)
            out[fn_name][sampler_name] = bests
    return out


def latency(sizes, repeats):
    """ms per suggestion (study.ask with the search space) with `size` completed trials, Hartmann6's 6-d space."""
    space, fn = FUNCTIONS["hartmann6"]
    dists = distributions(space)
    out = {}
    for sampler_name, make in SAMPLERS.items():
        out[sampler_name] = {}
        for size in sizes:
            rng = random.Random(size)
            study = optuna.create_study(sampler=make(0), direction="minimize")
            done = []
            for _ in range(size):
                params = {k: rng.uniform(lo, hi) for k, (lo, hi) in space.items()}
                done.append(
                    optuna.trial.create_trial(params=params, distributions=dists, value=fn(params))
                )
            study.add_trials(done)
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                trial = study.ask(dists)
                times.append((time.perf_counter() - t0) * 1000)
                # A failed trial is ignored by every sampler, so each timed ask sees the same history.
                study.tell(trial, state=TrialState.FAIL)
            out[sampler_name][str(size)] = times
    return out


def distribution(points, seeds):
    """The next suggestion for one fixed history (these Hartmann6 points, completed) under seeds 0…seeds−1."""
    space, fn = FUNCTIONS["hartmann6"]
    dists = distributions(space)
    done = []
    for x in points:
        params = {f"x{j + 1}": v for j, v in enumerate(x)}
        done.append(optuna.trial.create_trial(params=params, distributions=dists, value=fn(params)))
    out = {}
    for sampler_name in ("optuna-tpe", "optuna-tpe-multivariate"):
        rows = []
        for seed in range(seeds):
            study = optuna.create_study(sampler=SAMPLERS[sampler_name](seed), direction="minimize")
            study.add_trials(done)
            params = study.ask(dists).params
            rows.append([params[f"x{j + 1}"] for j in range(6)])
        out[sampler_name] = rows
    return out


def main():
    config = json.loads(sys.argv[1])
    result = {"version": optuna.__version__}
    result["distribution"] = distribution(config["distribution"]["points"], config["distribution"]["seeds"])
    result["quality"] = quality(config["seeds"], config["trials"])
    result["latency"] = latency(config["latency_sizes"], config["latency_repeats"])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
