"""Single-task workflow: one cached task gets the whole config.

Run it here with ``make run-single`` or ``python <this file> [overrides]``; add ``-m`` to hand
the run to the launcher (settings in conf/hydra/launcher/flyte.yaml). Its config:
``conf/single_task.yaml``, checked against ``SingleTaskConfig`` (configs.py).
"""

import logging

import hydra
from flytekit import task, workflow
from omegaconf import DictConfig

from {{ cookiecutter.package_name }}.data import make_dataset
from {{ cookiecutter.package_name }}.metrics import Scores, score
from {{ cookiecutter.package_name }}.model import fit, predict
from {{ cookiecutter.package_name }}.workflows import run
from {{ cookiecutter.package_name }}.workflows.caching import CODE_CACHE

log = logging.getLogger(__name__)


@task(cache=CODE_CACHE)
def fit_and_score(cfg: DictConfig) -> Scores:
    """Generate data, fit the model and score it, all in one task."""
    data = make_dataset(**cfg.data)
    coefficients = fit(data.x_train, data.y_train, degree=cfg.model.degree, l2=cfg.model.l2)
    scores = score(data.y_test, predict(coefficients, data.x_test), min_r2=cfg.evaluate.min_r2)
    log.info(f"fit_and_score: {scores}")
    return scores


@workflow
def pipeline(cfg: DictConfig) -> Scores:
    """The whole pipeline as one task."""
    return fit_and_score(cfg=cfg)


@hydra.main(config_path="../../../conf", config_name="single_task", version_base="1.3")
def main(cfg: DictConfig) -> Scores:
    """Run the workflow locally on the composed config."""
    scores = pipeline(cfg=cfg)
    log.info(f"scores: {scores}")
    return scores


if __name__ == "__main__":
    run(main, globals())
