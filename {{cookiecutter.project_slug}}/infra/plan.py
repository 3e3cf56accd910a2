"""What a package or a cluster launch registers, worked out offline and checked before any
image build or network call: the workflow, each job's inputs and launch plan, version, images."""

from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from flytekit import LaunchPlan
from flytekit.core.workflow import WorkflowBase
from omegaconf import DictConfig

from infra.config import LauncherConfig
from infra.discovery import main_workflow, project_root, workflow_module
from infra.images import image_refs
from infra.launch_plans import cron_schedule, job_launch_plan
from infra.notifications import notifications
from infra.sweep import Job, Sweep, load_jobs
from infra.versioning import resolve_version

# Hydra's default output folders; never part of the source, whatever hydra.run.dir says now.
HYDRA_OUTPUTS = ("outputs", "multirun")


@dataclass
class Plan:
    """A launch worked out; ``launch_plans`` maps each job's index to its launch plan."""

    module: ModuleType
    workflow: WorkflowBase
    jobs: list[Job]
    launch_plans: dict[int, LaunchPlan]
    version: str
    images: dict[str, str]


def make_plan(sweep: Sweep) -> Plan:
    """Discover, validate, bind and convert every job's inputs, and derive the version."""
    settings, config = sweep.settings, sweep.config
    module = workflow_module(sweep.task_function)
    workflow = main_workflow(module, settings.workflow)
    schedule = cron_schedule(settings.schedule)
    alerts = notifications(settings.notifications)
    jobs = load_jobs(sweep, workflow)
    root = project_root(module)
    version = resolve_version(
        settings.version,
        root,
        settings.domain,
        ignored=output_folders(root, config, settings),
        force=settings.force,
        random_suffix=settings.random_suffix,
    )
    launch_plans = {
        job.idx: job_launch_plan(workflow, job.literals, schedule, alerts) for job in jobs
    }
    return Plan(module, workflow, jobs, launch_plans, version, image_refs(settings, version))


def output_folders(root: Path, config: DictConfig, settings: LauncherConfig) -> set[str]:
    """Top-level folders of the project holding Hydra's outputs and packages, not source."""
    folders = set(HYDRA_OUTPUTS)
    for path in (config.hydra.run.dir, config.hydra.sweep.dir, settings.package_dir):
        resolved = Path(path).resolve()
        if resolved != root and resolved.is_relative_to(root):
            folders.add(resolved.relative_to(root).parts[0])
    return folders
