"""Extra-inputs workflow: the config plus data to process (``query``) and config ``overrides``.

Run it here with ``make run-extra`` or ``python <this file> [overrides]``, e.g.
``query="0.1 0.2" 'overrides=["model.degree=2"]'``; add ``-m`` to hand the run to the launcher.
On a cluster, ``make execute`` runs a registered version with new inputs
(see infra/modes/execute.py).
Its config: ``conf/extra_inputs.yaml``, checked against ``ExtraInputsConfig`` (configs.py).
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
    Predictions,
    apply_overrides,
    predict_query,
    prepare_data,
    train,
)

log = logging.getLogger(__name__)


class Parts(NamedTuple):
    """This workflow's sub-configs, one per task."""

    data: DictConfig
    model: DictConfig


@task(cache=CODE_CACHE)
def split_config(cfg: DictConfig) -> Parts:
    """Split the job config so each task is cached on its own part only."""
    return Parts(data=cfg.data, model=cfg.model)


@workflow
def pipeline(cfg: DictConfig, query: str, overrides: list[str]) -> Predictions:
    """Train on the (overridden) config, then predict y for the query's x values (and draw)."""
    parts = split_config(cfg=apply_overrides(cfg=cfg, overrides=overrides))
    data = prepare_data(cfg=parts.data)
    coefficients = train(cfg=parts.model, data=data)
    return predict_query(coefficients=coefficients, data=data, query=query)


@hydra.main(config_path="../../../conf", config_name="extra_inputs", version_base="1.3")
def main(cfg: DictConfig) -> Predictions:
    """Run the workflow locally; ``query`` and ``overrides`` come from the config. Saves the
    report in the output folder."""
    result = pipeline(cfg=cfg, query=cfg.query, overrides=list(cfg.overrides))
    log.info(f"predictions for {cfg.query!r}: {result.predictions}")
    save_report(result.report)
    return result


if __name__ == "__main__":
    run(main, globals())
