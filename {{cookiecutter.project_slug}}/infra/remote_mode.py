"""``mode=remote``: build and push the images, register everything once under one version, then
start one execution per sweep job from that job's launch plan.

Order matters: everything that can be checked offline (config values, inputs, version, image
steps) is checked first, then flyteadmin is probed, and only then are images built and entities
registered.
"""

import logging

from flytekit.remote import FlyteRemote, FlyteWorkflowExecution
from hydra.core.utils import JobReturn

from infra.config import LauncherConfig
from infra.connection import connect, flyte_config
from infra.discovery import project_root, source_root
from infra.executions import outcome, start
from infra.images import image_steps, run_image_steps
from infra.launch import Launch, prepare_launch
from infra.registration import activate, register, upload_source
from infra.serialization import registrable_entities, serialization_settings
from infra.sweep import Job, Sweep, run_jobs

log = logging.getLogger(__name__)


def launch_remote(sweep: Sweep) -> list[JobReturn]:
    """Each job returns its Execution (with outputs when ``wait``), or with ``run=false`` the
    name of its registered launch plan."""
    settings = sweep.settings
    flyte = flyte_config(settings.connection)
    launch = prepare_launch(sweep)
    steps = image_steps(settings, launch.images, project_root(launch.module))
    remote = connect(flyte, settings.connection.timeout_seconds, settings.project, settings.domain)
    log.info(f"Launch version {launch.version}")
    run_image_steps(steps, push=settings.push)
    register_launch(remote, launch, settings)
    if not settings.run:
        return run_jobs(sweep, launch.jobs, lambda job: launch.launch_plans[job.idx].name)
    executions = {job.idx: start_job(remote, launch, job) for job in launch.jobs}
    return run_jobs(
        sweep, launch.jobs, lambda job: outcome(remote, executions[job.idx], settings.wait)
    )


def register_launch(remote: FlyteRemote, launch: Launch, settings: LauncherConfig) -> None:
    """Upload the source (fast registration), register everything, switch schedules on."""
    source = upload_source(remote, source_root(launch.module)) if settings.fast_register else None
    serialization = serialization_settings(settings, launch.version, launch.images, source)
    entities = registrable_entities(
        launch.workflow, launch.launch_plans.values(), serialization, launch.tasks
    )
    registered = register(remote, entities, serialization)
    if settings.schedule.cron is not None:
        jobs = {launch_plan.name for launch_plan in launch.launch_plans.values()}
        activate(remote, [identifier for identifier in registered if identifier.name in jobs])


def start_job(remote: FlyteRemote, launch: Launch, job: Job) -> FlyteWorkflowExecution:
    """Start an execution of the job's registered launch plan, on its defaults."""
    name = launch.launch_plans[job.idx].name
    launch_plan = remote.fetch_launch_plan(name=name, version=launch.version)
    launch_plan.python_interface = launch.workflow.python_interface  # outputs in their types
    return start(remote, launch_plan)
