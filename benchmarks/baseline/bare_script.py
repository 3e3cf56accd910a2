"""The bare baseline: what a user would write by hand instead of using the template.

One Hydra entry point, one Flyte task, one config file; none of the template's machinery (no
launcher plugin, no infra package, no config groups). It does the single-task workflow's work by
calling the same plain logic, so the two runs differ only in what surrounds that work.

    PYTHONPATH=<project>/src python bare_script.py
"""

import logging

import hydra
from demand_forecast.data import make_dataset
from demand_forecast.metrics import Scores, score
from demand_forecast.model import fit, predict
from flytekit import task
from omegaconf import DictConfig, OmegaConf

log = logging.getLogger(__name__)


@task(cache=True, cache_version="1")
def fit_and_score(cfg: DictConfig) -> Scores:
    data = make_dataset(**OmegaConf.to_container(cfg.data))
    coefficients = fit(data.x_train, data.y_train, degree=cfg.model.degree, l2=cfg.model.l2)
    scores = score(data.y_test, predict(coefficients, data.x_test), min_r2=cfg.evaluate.min_r2)
    log.info(f"fit_and_score: {scores}")
    return scores


@hydra.main(config_path="conf", config_name="bare", version_base="1.3")
def main(cfg: DictConfig) -> None:
    log.info(f"scores: {fit_and_score(cfg=cfg)}")


if __name__ == "__main__":
    main()
