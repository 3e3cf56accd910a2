"""Tasks shared by the workflows; each takes only its own sub-config and is cached.

A task is cached on its inputs and on its code (``CODE_CACHE``, see caching.py): changing the
model config re-runs training and evaluation but not data preparation, and editing a task (or a
function it calls) re-runs that task.
"""

import logging
import math
import re
from typing import NamedTuple, cast

from flytekit import task
from flytekit.types.file import FlyteFile
from omegaconf import DictConfig, OmegaConf

from {{ cookiecutter.package_name }}.data import Dataset, make_dataset
from {{ cookiecutter.package_name }}.metrics import Scores, score
from {{ cookiecutter.package_name }}.model import fit, predict
from {{ cookiecutter.package_name }}.plots import fit_report
from {{ cookiecutter.package_name }}.workflows.caching import CODE_CACHE
from {{ cookiecutter.package_name }}.workflows.reports import publish_report

log = logging.getLogger(__name__)


class Evaluation(NamedTuple):
    """A model's test-set scores, and its report: data, fit and residuals (reports.py)."""

    scores: Scores
    report: FlyteFile


class Predictions(NamedTuple):
    """The predictions for a query, and the report of the fit they come from."""

    predictions: list[float]
    report: FlyteFile


@task(cache=CODE_CACHE)
def apply_overrides(cfg: DictConfig, overrides: list[str]) -> DictConfig:
    """Apply dotted ``key=value`` overrides, e.g. ``model.degree=2``, to the config."""
    return cast(DictConfig, OmegaConf.merge(cfg, OmegaConf.from_dotlist(overrides)))


@task(cache=CODE_CACHE)
def prepare_data(cfg: DictConfig) -> Dataset:
    """Generate the train and test samples."""
    data = make_dataset(cfg.coefficients, cfg.n_samples, cfg.noise, cfg.test_fraction, cfg.seed)
    log.info(f"prepare_data: {len(data.x_train)} train and {len(data.x_test)} test samples")
    return data


@task(cache=CODE_CACHE)
def train(cfg: DictConfig, data: Dataset) -> list[float]:
    """Fit the model; returns its coefficients."""
    coefficients = fit(data.x_train, data.y_train, degree=cfg.degree, l2=cfg.l2)
    log.info(f"train: coefficients {[round(c, 3) for c in coefficients]}")
    return coefficients


@task(cache=CODE_CACHE, enable_deck=True, deck_fields=())
def evaluate(cfg: DictConfig, coefficients: list[float], data: Dataset) -> Evaluation:
    """Score the model on the test samples and draw its report."""
    scores = score(data.y_test, predict(coefficients, data.x_test), min_r2=cfg.min_r2)
    log.info(f"evaluate: {scores}")
    drawing = fit_report(data, coefficients, heading=f"{scores}")
    return Evaluation(scores, publish_report(drawing, title="evaluate"))


@task(cache=CODE_CACHE, enable_deck=True, deck_fields=())
def predict_query(coefficients: list[float], data: Dataset, query: str) -> Predictions:
    """Predict y for the x values in ``query``, separated by spaces or commas; draw them."""
    message = f"query must be finite numbers separated by spaces or commas, got {query!r}"
    try:
        xs = [float(value) for value in re.split(r"[\s,]+", query.strip())]
    except ValueError as error:
        raise ValueError(message) from error
    if not all(math.isfinite(x) for x in xs):
        raise ValueError(message)
    log.info(f"predict_query: {len(xs)} values")
    predictions = predict(coefficients, xs)
    drawing = fit_report(data, coefficients, heading=f"query {query!r}", query=xs)
    return Predictions(predictions, publish_report(drawing, title="predict_query"))
