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
from {{ cookiecutter.package_name }}.metrics import score
from {{ cookiecutter.package_name }}.model import fit, predict
from {{ cookiecutter.package_name }}.plots import fit_report
from {{ cookiecutter.package_name }}.workflows import run
from {{ cookiecutter.package_name }}.workflows.caching import CODE_CACHE
from {{ cookiecutter.package_name }}.workflows.reports import (
    publish_report,
    save_report,
)
from {{ cookiecutter.package_name }}.workflows.tasks import Evaluation

log = logging.getLogger(__name__)


@task(cache=CODE_CACHE, enable_deck=True, deck_fields=())
def fit_and_score(cfg: DictConfig) -> Evaluation:
    """Generate data, fit the model, score it and draw its report, all in one task."""
    data = make_dataset(**cfg.data)
    coefficients = fit(data.x_train, data.y_train, degree=cfg.model.degree, l2=cfg.model.l2)
    scores = score(data.y_test, predict(coefficients, data.x_test), min_r2=cfg.evaluate.min_r2)
    log.info(f"fit_and_score: {scores}")
    drawing = fit_report(data, coefficients, heading=f"{scores}")
    return Evaluation(scores, publish_report(drawing, title="fit_and_score"))


@workflow
def pipeline(cfg: DictConfig) -> Evaluation:
    """The whole pipeline as one task."""
    return fit_and_score(cfg=cfg)


@hydra.main(config_path="../../../conf", config_name="single_task", version_base="1.3")
def main(cfg: DictConfig) -> Evaluation:
    """Run the workflow locally on the composed config; save its report in the output folder."""
    evaluation = pipeline(cfg=cfg)
    log.info(f"scores: {evaluation.scores}")
    save_report(evaluation.report)
    return evaluation


if __name__ == "__main__":
    run(main, globals())
