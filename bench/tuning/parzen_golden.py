"""Prints Optuna's Parzen-estimator log densities for the cases in tuner/parzen.spec.ts (run in the bench venv:
`$(bash bench/tuning/venv.sh) bench/tuning/parzen_golden.py`). The spec compares ours with these numbers."""

import json

import numpy as np
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_weights

CASES = {
    "float": ({"x": FloatDistribution(0, 1)}, {"x": [0.1, 0.35, 0.4, 0.8]}, {"x": [0, 0.05, 0.2, 0.37, 0.6, 0.99]}),
    "int": ({"n": IntDistribution(1, 10)}, {"n": [2, 3, 3, 9]}, {"n": [1, 2, 3, 5, 10]}),
    "stepped": ({"d": FloatDistribution(0, 1, step=0.1)}, {"d": [0.2, 0.5]}, {"d": [0, 0.2, 0.3, 0.7, 1]}),
    "log": (
        {"lr": FloatDistribution(1e-4, 1, log=True)},
        {"lr": [1e-3, 2e-3, 0.5]},
        {"lr": [1e-4, 1e-3, 0.01, 0.5, 1]},
    ),
    # Categorical values are indices in Optuna's internal representation.
    "categorical": ({"c": CategoricalDistribution(["a", "b", "c"])}, {"c": [0, 0, 2]}, {"c": [0, 1, 2]}),
    "many": ({"x": FloatDistribution(0, 1)}, {"x": [((i * 0.37) % 1) for i in range(40)]}, {"x": [0.01, 0.5, 0.93]}),
}


def main():
    out = {}
    for multivariate in (False, True):
        params = _ParzenEstimatorParameters(
            prior_weight=1.0,
            consider_magic_clip=True,
            consider_endpoints=False,
            weights=default_weights,
            multivariate=multivariate,
            categorical_distance_func={},
        )
        for name, (space, obs, xs) in CASES.items():
            pe = _ParzenEstimator({k: np.asarray(v, dtype=float) for k, v in obs.items()}, space, params)
            values = pe.log_pdf({k: np.asarray(v, dtype=float) for k, v in xs.items()})
            out[f"{name}{'-multivariate' if multivariate else ''}"] = [round(float(v), 9) for v in values]
        # A joint 2-d case for the multivariate mixture.
        space = {"x": FloatDistribution(0, 1), "c": CategoricalDistribution(["a", "b"])}
        obs = {"x": np.array([0.2, 0.7, 0.5]), "c": np.array([1.0, 0.0, 1.0])}
        xs = {"x": np.array([0.2, 0.2, 0.9]), "c": np.array([1.0, 0.0, 0.0])}
        pe = _ParzenEstimator(obs, space, params)
        out[f"joint{'-multivariate' if multivariate else ''}"] = [round(float(v), 9) for v in pe.log_pdf(xs)]
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
