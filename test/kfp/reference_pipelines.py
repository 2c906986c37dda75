"""The reference DAGs, written with kfp's DSL; compiler/__tests__/fidelity.spec.ts builds the same DAGs as pipeline
documents (same task and port names) and compares kfp's IR with ours structure by structure."""
from kfp import dsl
from kfp.dsl import Dataset, Input, Output

IMAGE = "python:3.11"


@dsl.component(base_image=IMAGE)
def produce(n: int) -> int:
    return n * 2


@dsl.component(base_image=IMAGE)
def consume(x: int, label: str = "total") -> str:
    return label + str(x)


@dsl.pipeline(name="Parameter passing")
def parameter_passing(n: int = 3):
    p = produce(n=n)
    consume(x=p.output)


@dsl.component(base_image=IMAGE)
def make(rows: int, data: Output[Dataset]):
    pass


@dsl.component(base_image=IMAGE)
def read(data: Input[Dataset]) -> int:
    return 0


@dsl.pipeline(name="artifact-passing", description="A dataset from one step to the next")
def artifact_passing():
    m = make(rows=10)
    read(data=m.outputs["data"])


@dsl.component(base_image=IMAGE)
def start() -> str:
    return "s"


@dsl.component(base_image=IMAGE)
def left(s: str) -> float:
    return 1.0


@dsl.component(base_image=IMAGE)
def right(s: str, flag: bool = True) -> float:
    return 2.0


@dsl.component(base_image=IMAGE)
def final(a: float, b: float):
    pass


@dsl.component(base_image=IMAGE)
def audit():
    pass


@dsl.pipeline(name="parallel-branches")
def parallel_branches(flag: bool = False):
    s = start()
    l_ = left(s=s.output)
    r = right(s=s.output, flag=flag)
    final(a=l_.output, b=r.output)
    audit().after(l_, r)


@dsl.component(base_image=IMAGE)
def heavy(items: list, config: dict) -> dict:
    return config


@dsl.container_component
def shell(message: str, out: dsl.OutputPath(str), report: Output[dsl.Markdown]):
    return dsl.ContainerSpec(
        image="alpine:3.20",
        command=["sh", "-c"],
        args=["echo \"$0\" > \"$1\" && echo done > \"$2\"", message, out, report.path],
    )


@dsl.pipeline(name="retry-caching-resources")
def retry_caching_resources(items: list = [1, 2], config: dict = {"k": "v"}):
    h = heavy(items=items, config=config)
    h.set_retry(3).set_caching_options(False)
    h.set_cpu_request("500m").set_cpu_limit("500m").set_memory_request("256Mi").set_memory_limit("256Mi")
    h.set_accelerator_type("amd.com/gpu").set_accelerator_limit(2)
    h.set_env_variable("MODE", "fast").set_env_variable("LEVEL", "2")
    shell(message="hello").set_caching_options(False).after(h)


PIPELINES = {
    "parameter-passing": parameter_passing,
    "artifact-passing": artifact_passing,
    "parallel-branches": parallel_branches,
    "retry-caching-resources": retry_caching_resources,
}
