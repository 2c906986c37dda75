"""The benchmark pipeline, defined once with the kfp SDK: a chain of STEPS lightweight Python components, each
adding one to the previous output. Caching off (kfp.local's default), kfp not pip-installed at run time (the
interpreter already has it), so every runner executes exactly the same ten commands."""

from kfp import dsl

from steps import add_one as _add_one

STEPS = 10

add_one = dsl.component(_add_one, base_image="python:3.11", install_kfp_package=False)


@dsl.pipeline(name="chain-10")
def chain(start: int = 0) -> int:
    task = add_one(x=start)
    task.set_caching_options(False)
    for _ in range(STEPS - 1):
        task = add_one(x=task.output)
        task.set_caching_options(False)
    return task.output
