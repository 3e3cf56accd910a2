"""A ``map_task`` (an array node): one square per number."""

import hydra
from flytekit import map_task, task, workflow
from omegaconf import DictConfig

from fixture_flows.workflows import run


@task(cache=True, cache_version="1")
def seeds(cfg: DictConfig) -> list[int]:
    """The numbers to map over."""
    return list(range(cfg.size.count))


@task
def square(seed: int) -> int:
    """One mapped item."""
    return seed * seed


@task
def add_up(squares: list[int]) -> int:
    """The sum of the mapped results."""
    return sum(squares)


@workflow
def pipeline(cfg: DictConfig) -> int:
    """Map ``square`` over the seeds, then add the results up."""
    return add_up(squares=map_task(square)(seed=seeds(cfg=cfg)))


@hydra.main(config_path="../../../conf", config_name="mapped", version_base="1.3")
def main(cfg: DictConfig) -> int:
    """Run the workflow locally."""
    return pipeline(cfg=cfg)


if __name__ == "__main__":
    run(main, globals())
