"""``mode=remote``: build and push the images, register everything once under one version, then
start one execution per sweep job from that job's launch plan.

Order matters: everything that can be checked offline (config values, inputs, version) is checked
first, then flyteadmin is probed, and only then are images built and entities registered.
"""

import logging

from flytekit.remote import FlyteRemote, FlyteWorkflowExecution
from hydra.core.utils import JobReturn

from infra import images
from infra.config import LauncherConfig
from infra.connection import connect, flyte_config
from infra.discovery import source_root
from infra.executions import outcome, start
from infra.plan import Plan, make_plan
from infra.registration import activate, register, upload_source
from infra.serialization import registrable_entities, serialization_settings
from infra.sweep import Job, Sweep, run_jobs

log = logging.getLogger(__name__)


def launch_remote(sweep: Sweep) -> list[JobReturn]:
    """Each job returns its Execution (with outputs when ``wait``), or with ``run=false`` the
    name of its registered launch plan."""
    settings = sweep.settings
    flyte = flyte_config(settings.connection)
    plan = make_plan(sweep)
    image_plan = images.plan_images(settings, plan.images)
    remote = connect(flyte, settings.connection.timeout_seconds, settings.project, settings.domain)
    images.run_image_plan(image_plan, plan.version, push=settings.push)
    register_plan(remote, plan, settings)
    if not settings.run:
        return run_jobs(sweep, plan.jobs, lambda job: plan.launch_plans[job.idx].name)
    executions = {job.idx: start_job(remote, plan, job) for job in plan.jobs}
    return run_jobs(
        sweep, plan.jobs, lambda job: outcome(remote, executions[job.idx], settings.wait)
    )


def register_plan(remote: FlyteRemote, plan: Plan, settings: LauncherConfig) -> None:
    """Upload the source (fast registration), register everything, switch schedules on."""
    source = upload_source(remote, source_root(plan.module)) if settings.fast_register else None
    serialization = serialization_settings(settings, plan.version, plan.images, source)
    entities = registrable_entities(plan.workflow, plan.launch_plans.values(), serialization)
    registered = register(remote, entities, serialization)
    if settings.schedule.cron is not None:
        jobs = {launch_plan.name for launch_plan in plan.launch_plans.values()}
        activate(remote, [identifier for identifier in registered if identifier.name in jobs])


def start_job(remote: FlyteRemote, plan: Plan, job: Job) -> FlyteWorkflowExecution:
    """Start an execution of the job's registered launch plan, on its defaults."""
    name = plan.launch_plans[job.idx].name
    launch_plan = remote.fetch_launch_plan(name=name, version=plan.version)
    launch_plan.python_interface = plan.workflow.python_interface  # outputs in the workflow's types
    return start(remote, launch_plan)
