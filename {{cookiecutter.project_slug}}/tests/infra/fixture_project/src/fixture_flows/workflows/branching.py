"""A sub-workflow and a ``conditional``: large sizes take one branch, small ones the other."""

import hydra
from flytekit import conditional, task, workflow
from omegaconf import DictConfig

from fixture_flows.workflows import run


@task
def count_of(cfg: DictConfig) -> int:
    """The size's count."""
    return cfg.size.count


@task
def double(value: int) -> int:
    """Twice ``value``."""
    return 2 * value


@task
def negate(value: int) -> int:
    """Minus ``value``."""
    return -value


@workflow
def doubled_twice(value: int) -> int:
    """A sub-workflow: ``double`` twice."""
    return double(value=double(value=value))


@workflow
def pipeline(cfg: DictConfig) -> int:
    """The count, through the sub-workflow when it is above 2, negated otherwise."""
    count = count_of(cfg=cfg)
    return (
        conditional("size")
        .if_(count > 2)
        .then(doubled_twice(value=count))
        .else_()
        .then(negate(value=count))
    )


@hydra.main(config_path="../../../conf", config_name="branching", version_base="1.3")
def main(cfg: DictConfig) -> int:
    """Run the workflow locally."""
    return pipeline(cfg=cfg)


if __name__ == "__main__":
    run(main, globals())
