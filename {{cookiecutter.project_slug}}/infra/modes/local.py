"""``mode=local``: run each sweep job's workflow on this machine, through the same discovery and
binding as a cluster launch, so a sweep that works here is wired right for Flyte too."""

import logging
from pathlib import Path

from flytekit.core.workflow import WorkflowBase
from hydra.core.hydra_config import HydraConfig
from hydra.core.utils import JobReturn

from infra.sweeps.job_files import keep_files
from infra.sweeps.jobs import Job, Sweep, load_jobs, run_jobs
from infra.sweeps.metric import optimized_metric, outputs_by_name
from infra.sweeps.summary import JobResult
from infra.sweeps.task_report import tasks_reported
from infra.workflow.discovery import main_workflow, workflow_module

log = logging.getLogger(__name__)


def launch_local(sweep: Sweep) -> list[JobReturn]:
    """One local workflow execution per sweep job, each in its own Hydra job folder."""
    workflow = main_workflow(workflow_module(sweep.task_function), sweep.settings.workflow)
    metric = optimized_metric(workflow, sweep.settings)
    jobs = load_jobs(sweep, workflow)
    sweep_dir = Path(sweep.config.hydra.sweep.dir)
    sweep_dir.mkdir(parents=True, exist_ok=True)
    log.info(f"Running {workflow.name} locally, {len(jobs)} job(s) in {sweep_dir}")
    return run_jobs(sweep, jobs, lambda job: run_locally(workflow, job), metric)


def run_locally(workflow: WorkflowBase, job: Job) -> JobResult:
    """The job's workflow outputs, with which tasks ran and which were cache hits; its file and
    folder outputs are copied into the job's folder (run as a Hydra job, infra/sweeps/jobs.py)."""
    with tasks_reported() as report:
        result = workflow(**job.inputs)
    outputs = outputs_by_name(workflow, result)
    files = keep_files(outputs, Path(HydraConfig.get().runtime.output_dir))
    return JobResult(result, outputs, ran=report.ran, cached=report.cached, files=files)
