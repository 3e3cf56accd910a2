"""Multi-task workflow: prepare data, train, evaluate; each task cached on its own sub-config.

Run it here with ``make run-multi`` or ``python <this file> [overrides]``; add ``-m`` to hand
the run to the launcher (settings in conf/hydra/launcher/flyte.yaml). Its config:
``conf/multi_task.yaml``, checked against ``MultiTaskConfig`` (configs.py).
"""

import logging
from typing import NamedTuple

import hydra
from flytekit import task, workflow
from omegaconf import DictConfig

from {{ cookiecutter.package_name }}.workflows import run
from {{ cookiecutter.package_name }}.workflows.caching import CODE_CACHE
from {{ cookiecutter.package_name }}.workflows.reports import save_report
from {{ cookiecutter.package_name }}.workflows.tasks import (
    Evaluation,
    evaluate,
    prepare_data,
    train,
)

log = logging.getLogger(__name__)


class Parts(NamedTuple):
    """This workflow's sub-configs, one per task: the top-level keys of ``MultiTaskConfig``."""

    data: DictConfig
    model: DictConfig
    evaluate: DictConfig


@task(cache=CODE_CACHE)
def split_config(cfg: DictConfig) -> Parts:
    """Split the job config so each task is cached on its own part only."""
    return Parts(data=cfg.data, model=cfg.model, evaluate=cfg.evaluate)


@workflow
def pipeline(cfg: DictConfig) -> Evaluation:
    """Split the config, then prepare data, train and evaluate (scores and report)."""
    parts = split_config(cfg=cfg)
    data = prepare_data(cfg=parts.data)
    coefficients = train(cfg=parts.model, data=data)
    return evaluate(cfg=parts.evaluate, coefficients=coefficients, data=data)


@hydra.main(config_path="../../../conf", config_name="multi_task", version_base="1.3")
def main(cfg: DictConfig) -> Evaluation:
    """Run the workflow locally on the composed config; save its report in the output folder."""
    evaluation = pipeline(cfg=cfg)
    log.info(f"scores: {evaluation.scores}")
    save_report(evaluation.report)
    return evaluation


if __name__ == "__main__":
    run(main, globals())
