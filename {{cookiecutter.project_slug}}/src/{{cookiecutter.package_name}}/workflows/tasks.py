"""Tasks shared by the multi-task and extra-inputs workflows.

Each task takes only its own sub-config and is cached on its inputs: changing the model config
re-runs training and evaluation but not data preparation. Bump a task's ``cache_version`` when its
code changes in a way its inputs do not show.
"""

import logging
import re
from typing import NamedTuple

from flytekit import task
from omegaconf import DictConfig, OmegaConf

from {{ cookiecutter.package_name }}.data import Dataset, make_dataset
from {{ cookiecutter.package_name }}.metrics import Scores, score
from {{ cookiecutter.package_name }}.model import fit, predict

log = logging.getLogger(__name__)


class ConfigParts(NamedTuple):
    """The sub-configs of the pipeline's tasks."""

    data: DictConfig
    model: DictConfig
    evaluate: DictConfig


@task(cache=True, cache_version="1")
def split_config(cfg: DictConfig) -> ConfigParts:
    """Split the job config so each task is cached on its own part only."""
    return ConfigParts(data=cfg.data, model=cfg.model, evaluate=cfg.evaluate)


@task(cache=True, cache_version="1")
def apply_overrides(cfg: DictConfig, overrides: list[str]) -> DictConfig:
    """Apply dotted ``key=value`` overrides, e.g. ``model.degree=2``, to the config."""
    return OmegaConf.merge(cfg, OmegaConf.from_dotlist(overrides))


@task(cache=True, cache_version="1")
def prepare_data(cfg: DictConfig) -> Dataset:
    """Generate the train and test samples."""
    data = make_dataset(**OmegaConf.to_container(cfg))
    log.info(f"prepare_data: {len(data.x_train)} train and {len(data.x_test)} test samples")
    return data


@task(cache=True, cache_version="1")
def train(cfg: DictConfig, data: Dataset) -> list[float]:
    """Fit the model; returns its coefficients."""
    coefficients = fit(data.x_train, data.y_train, degree=cfg.degree, l2=cfg.l2)
    log.info(f"train: coefficients {[round(c, 3) for c in coefficients]}")
    return coefficients


@task(cache=True, cache_version="1")
def evaluate(cfg: DictConfig, coefficients: list[float], data: Dataset) -> Scores:
    """Score the model on the test samples."""
    scores = score(data.y_test, predict(coefficients, data.x_test), min_r2=cfg.min_r2)
    log.info(f"evaluate: {scores}")
    return scores


@task(cache=True, cache_version="1")
def predict_query(coefficients: list[float], query: str) -> list[float]:
    """Predict y for the x values in ``query``, separated by spaces or commas."""
    try:
        xs = [float(value) for value in re.split(r"[\s,]+", query.strip())]
    except ValueError as error:
        message = f"query must be numbers separated by spaces or commas, got {query!r}"
        raise ValueError(message) from error
    return predict(coefficients, xs)
