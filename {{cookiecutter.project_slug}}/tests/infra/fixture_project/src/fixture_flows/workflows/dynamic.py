"""A ``@dynamic`` task that launches one task per fold, known only at run time."""

import hydra
from flytekit import dynamic, task, workflow
from omegaconf import DictConfig

from fixture_flows.workflows import run


@task
def fold_score(fold: int, scale: float) -> float:
    """The score of one fold: launched by ``folds`` only, never by the workflow itself."""
    return fold * scale


@task
def mean(values: list[float]) -> float:
    """The mean of the scores."""
    return sum(values) / len(values)


@dynamic
def folds(cfg: DictConfig) -> float:
    """One ``fold_score`` per fold (``size.count`` of them), then their mean."""
    scores = [fold_score(fold=fold, scale=cfg.size.scale) for fold in range(cfg.size.count)]
    return mean(values=scores)


@workflow
def pipeline(cfg: DictConfig) -> float:
    """The mean fold score for ``size.count`` folds."""
    return folds(cfg=cfg)


@hydra.main(config_path="../../../conf", config_name="dynamic", version_base="1.3")
def main(cfg: DictConfig) -> float:
    """Run the workflow locally."""
    return pipeline(cfg=cfg)


if __name__ == "__main__":
    run(main, globals())
