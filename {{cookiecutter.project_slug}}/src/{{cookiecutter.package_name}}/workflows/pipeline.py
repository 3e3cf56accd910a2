"""The pipeline: one cached task that gets the ``step`` sub-config.

Run it here with ``make run`` or ``python <this file> [overrides]``; add ``-m`` to hand the run
to the launcher (settings in conf/hydra/launcher/flyte.yaml). Its config: ``conf/pipeline.yaml``,
checked against ``PipelineConfig`` (configs.py). The workflow's input ``step`` is named after a
top-level key of the config, so it gets that sub-config, here and in every launcher mode.
"""

import logging

import hydra
from flytekit import task, workflow
from omegaconf import DictConfig

from {{ cookiecutter.package_name }}.step import compute
from {{ cookiecutter.package_name }}.workflows import run
from {{ cookiecutter.package_name }}.workflows.caching import CODE_CACHE

log = logging.getLogger(__name__)


@task(cache=CODE_CACHE)
def run_step(cfg: DictConfig) -> float:
    """Compute the step's result; cached on its sub-config and code."""
    result = compute(size=cfg.size, seed=cfg.seed)
    log.info(f"run_step: {result}")
    return result


@workflow
def pipeline(step: DictConfig) -> float:
    """Run the step on its sub-config."""
    return run_step(cfg=step)


@hydra.main(config_path="../../../conf", config_name="pipeline", version_base="1.3")
def main(cfg: DictConfig) -> float:
    """Run the workflow locally on the composed config."""
    result = pipeline(step=cfg.step)
    log.info(f"result: {result}")
    return result


if __name__ == "__main__":
    run(main, globals())
