"""The one function every step of the benchmark pipeline runs (kfp component, our function node, the floor)."""


def add_one(x: int) -> int:
    return x + 1
