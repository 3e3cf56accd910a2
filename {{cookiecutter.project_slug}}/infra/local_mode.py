"""``mode=local``: run each sweep job's workflow on this machine, through the same discovery and
binding as a cluster launch, so a sweep that works here is wired right for Flyte too."""

import logging
from pathlib import Path

from hydra.core.utils import JobReturn

from infra.discovery import main_workflow, workflow_module
from infra.sweep import Sweep, load_jobs, run_jobs

log = logging.getLogger(__name__)


def launch_local(sweep: Sweep) -> list[JobReturn]:
    """One local workflow execution per sweep job, each in its own Hydra job folder."""
    workflow = main_workflow(workflow_module(sweep.task_function), sweep.settings.workflow)
    jobs = load_jobs(sweep, workflow)
    sweep_dir = Path(sweep.config.hydra.sweep.dir)
    sweep_dir.mkdir(parents=True, exist_ok=True)
    log.info(f"Running {workflow.name} locally, {len(jobs)} job(s) in {sweep_dir}")
    return run_jobs(sweep, jobs, lambda job: workflow(**job.inputs))
