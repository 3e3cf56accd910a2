"""What a package or a cluster launch registers, worked out offline and checked before any
image build or network call: the workflow, each job's inputs and launch plan, version, images,
per-task settings."""

from dataclasses import dataclass
from types import ModuleType

from flytekit import LaunchPlan
from flytekit.core.workflow import WorkflowBase

from infra.flyteadmin.launch_plans import cron_schedule, job_launch_plan
from infra.flyteadmin.notifications import notifications
from infra.images.steps import image_refs
from infra.settings.load import launch_version
from infra.settings.tasks import TaskSettings, task_settings
from infra.sweeps.jobs import Job, Sweep, load_jobs
from infra.workflow.discovery import main_workflow, workflow_module
from infra.workflow.env_values import refuse_env_values


@dataclass
class Launch:
    """A launch worked out; ``launch_plans`` maps each job's index to its launch plan."""

    module: ModuleType
    workflow: WorkflowBase
    jobs: list[Job]
    launch_plans: dict[int, LaunchPlan]
    version: str
    images: dict[str, str]
    tasks: dict[str, TaskSettings]  # by task name: hydra.launcher.tasks, checked


def prepare_launch(sweep: Sweep) -> Launch:
    """Discover, validate, bind and convert every job's inputs, and derive the version."""
    settings = sweep.settings
    module = workflow_module(sweep.task_function)
    workflow = main_workflow(module, settings.workflow)
    schedule = cron_schedule(settings.schedule)
    alerts = notifications(settings.notifications)
    jobs = load_jobs(sweep, workflow)
    for job in jobs:
        refuse_env_values(workflow, job.config, settings.allow_env_in_launch_plans)
    version = launch_version(module, sweep.config, settings)
    launch_plans = {
        job.idx: job_launch_plan(workflow, job.literals, schedule, alerts) for job in jobs
    }
    images = image_refs(settings, version)
    tasks = task_settings(workflow, settings.tasks, images)
    return Launch(module, workflow, jobs, launch_plans, version, images, tasks)
