"""Sweep jobs: each job's config and workflow inputs, and running a function per job the way
Hydra runs a job (its own folder under the sweep dir, its config saved, callbacks called)."""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flytekit.core.workflow import WorkflowBase
from flytekit.models.literals import Literal
from hydra.core.hydra_config import HydraConfig
from hydra.core.utils import JobReturn, run_job
from hydra.types import HydraContext
from omegaconf import DictConfig, open_dict

from infra.binding import bind_inputs, to_literals
from infra.compositions import composed_once
from infra.config import LauncherConfig

log = logging.getLogger(__name__)


@dataclass
class Sweep:
    """A multirun as Hydra hands it to the launcher: typed settings, Hydra's context, the
    ``@hydra.main`` function, the primary config and each job's overrides."""

    settings: LauncherConfig
    hydra_context: HydraContext
    task_function: Callable
    config: DictConfig
    job_overrides: Sequence[Sequence[str]]
    initial_job_idx: int


@dataclass
class Job:
    """One sweep job: its overrides, its composed config and the workflow inputs bound from it."""

    idx: int
    overrides: list[str]
    config: DictConfig
    inputs: dict[str, Any]
    literals: dict[str, Literal]


def load_jobs(sweep: Sweep, workflow: WorkflowBase) -> list[Job]:
    """Compose every job's config and convert its inputs to Flyte literals.

    Done for all jobs before anything else, so a bad config in any job fails fast. The configs
    are those the sweeper composed to check the batch, not composed again (infra/compositions.py).
    """
    jobs = []
    loader = composed_once(sweep.hydra_context)
    for offset, overrides in enumerate(sweep.job_overrides):
        idx = sweep.initial_job_idx + offset
        job_config = loader.take(sweep.config, list(overrides))
        with open_dict(job_config):
            job_config.hydra.job.id = f"{job_config.hydra.job.name}_{idx}"
            job_config.hydra.job.num = idx
        HydraConfig.instance().set_config(job_config)  # for ${hydra:...} interpolations
        inputs = bind_inputs(workflow, job_config, sweep.settings.inputs)
        literals = to_literals(workflow, inputs)
        jobs.append(Job(idx, list(overrides), job_config, inputs, literals))
    return jobs


def run_jobs(sweep: Sweep, jobs: Sequence[Job], function: Callable[[Job], Any]) -> list[JobReturn]:
    """Hydra's JobReturn of ``function(job)`` for each job, run as a Hydra job."""
    returns = []
    for job in jobs:
        log.info(f"\t#{job.idx} : {' '.join(job.overrides)}")

        def task_function(_config: DictConfig, job: Job = job) -> Any:
            return function(job)

        returns.append(
            run_job(
                hydra_context=sweep.hydra_context,
                task_function=task_function,
                config=job.config,
                job_dir_key="hydra.sweep.dir",
                job_subdir_key="hydra.sweep.subdir",
            )
        )
    return returns
