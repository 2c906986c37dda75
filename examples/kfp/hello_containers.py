"""Container components only (no kfp runtime inside the steps), compiled to examples/kfp/hello_containers.yaml: an
IR the local runner runs on this machine as it is. Regenerate with kfp 2.17:

    python examples/kfp/hello_containers.py
"""
from pathlib import Path

from kfp import compiler, dsl


@dsl.container_component
def say(message: str, said: dsl.OutputPath(str)):
    return dsl.ContainerSpec(
        image="alpine:3.20",
        command=["sh", "-c", 'mkdir -p "$(dirname "$1")" && printf "%s" "$0" | tee "$1"'],
        args=[message, said],
    )


@dsl.container_component
def shout(text: str):
    return dsl.ContainerSpec(image="alpine:3.20", command=["sh", "-c", 'echo "$0!!"'], args=[text])


@dsl.pipeline(name="hello-containers", description="Two shell steps: say, then shout what was said")
def hello(message: str = "hello"):
    said = say(message=message)
    shout(text=said.outputs["said"])


if __name__ == "__main__":
    out = Path(__file__).with_suffix(".yaml")
    compiler.Compiler().compile(hello, str(out))
    print(f"wrote {out}")
