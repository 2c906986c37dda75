"""A small pipeline written with the kfp SDK, compiled to examples/kfp/train_eval.yaml (the IR the workbench opens as
a pipeline graph, runs locally and submits to Kubeflow Pipelines). Regenerate with kfp 2.17:

    python examples/kfp/train_eval.py
"""
from pathlib import Path

from kfp import compiler, dsl
from kfp.dsl import Dataset, Input, Model, Output

IMAGE = "python:3.11"


@dsl.component(base_image=IMAGE)
def prepare(rows: int, data: Output[Dataset]):
    with open(data.path, "w") as f:
        f.write("\n".join(str(i) for i in range(rows)))


@dsl.component(base_image=IMAGE)
def train(data: Input[Dataset], lr: float, model: Output[Model]) -> float:
    with open(data.path) as f:
        n = len(f.read().splitlines())
    with open(model.path, "w") as f:
        f.write(f"weights for {n} rows at lr={lr}")
    return 1.0 / (1 + n * lr)


@dsl.component(base_image=IMAGE)
def evaluate(model: Input[Model], loss: float) -> str:
    return f"loss={loss:.4f}"


@dsl.component(base_image=IMAGE)
def notify(channel: str = "ml-team"):
    print("done:", channel)


@dsl.pipeline(name="train-eval", description="Prepare data, train, evaluate, then notify")
def train_eval(rows: int = 100, lr: float = 0.01):
    prepared = prepare(rows=rows)
    trained = train(data=prepared.outputs["data"], lr=lr)
    evaluated = evaluate(model=trained.outputs["model"], loss=trained.outputs["Output"])
    notify().after(evaluated)


if __name__ == "__main__":
    out = Path(__file__).with_suffix(".yaml")
    compiler.Compiler().compile(train_eval, str(out))
    print(f"wrote {out}")
