"""``mode=local``: run each sweep job's workflow on this machine, through the same discovery and
binding as a cluster launch, so a sweep that works here is wired right for Flyte too."""

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from hydra.core.utils import JobReturn, configure_log, setup_globals
from hydra.types import HydraContext
from omegaconf import DictConfig

from infra.config import LauncherConfig
from infra.discovery import main_workflow, workflow_module
from infra.sweep import load_jobs, run_jobs

log = logging.getLogger(__name__)


def launch_local(
    settings: LauncherConfig,
    hydra_context: HydraContext,
    task_function: Callable,
    config: DictConfig,
    job_overrides: Sequence[Sequence[str]],
    initial_job_idx: int,
) -> list[JobReturn]:
    """One local workflow execution per sweep job, each in its own Hydra job folder."""
    setup_globals()
    configure_log(config.hydra.hydra_logging, config.hydra.verbose)
    workflow = main_workflow(workflow_module(task_function), settings.workflow)
    jobs = load_jobs(
        hydra_context, config, job_overrides, initial_job_idx, workflow, settings.inputs
    )
    sweep_dir = Path(config.hydra.sweep.dir)
    sweep_dir.mkdir(parents=True, exist_ok=True)
    log.info(f"Running {workflow.name} locally, {len(jobs)} job(s) in {sweep_dir}")
    return run_jobs(hydra_context, jobs, lambda job: workflow(**job.inputs))
