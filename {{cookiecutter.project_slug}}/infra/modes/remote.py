"""``mode=remote``: build and push the images, register everything once under one version, then
start one execution per sweep job from that job's launch plan; with ``wait``, watch them all
together and return their outputs.

Order matters: everything that can be checked offline (config values, inputs, version, image
steps, the optimized metric) is checked first, then flyteadmin is probed, and only then are
images built and entities registered. Every call to flyteadmin has a deadline
(``connection.call_timeout_seconds``, infra/flyteadmin/calls.py).
"""

import logging
from collections.abc import Iterator

from flytekit.remote import FlyteRemote, FlyteWorkflowExecution
from hydra.core.utils import JobReturn

from infra.errors import LauncherError
from infra.flyteadmin.calls import call_deadline, calling
from infra.flyteadmin.connection import connect, flyte_config
from infra.flyteadmin.executions import Execution, phase_of, result_of, start, watched
from infra.flyteadmin.registration import activate, register, upload_source
from infra.flyteadmin.serialization import registrable_entities, serialization_settings
from infra.images.steps import image_steps, run_image_steps
from infra.modes.launch import Launch, prepare_launch
from infra.settings.schema import LauncherConfig
from infra.sweeps.job_files import file_uris
from infra.sweeps.jobs import Job, Sweep, run_jobs
from infra.sweeps.metric import optimized_metric
from infra.sweeps.summary import JobResult
from infra.workflow.discovery import project_root, source_root

log = logging.getLogger(__name__)


def launch_remote(sweep: Sweep) -> list[JobReturn]:
    """Each job returns its Execution (with outputs when ``wait``; with ``optimized_metric``
    that number), or with ``run=false`` the name of its registered launch plan."""
    settings = sweep.settings
    flyte = flyte_config(settings.connection)
    launch = prepare_launch(sweep)
    metric = optimized_metric(launch.workflow, settings)
    steps = image_steps(settings, launch.images, project_root(launch.module))
    remote = connect(flyte, settings.connection, settings.project, settings.domain)
    with call_deadline(settings.connection.call_timeout_seconds):
        log.info(f"Launch version {launch.version}")
        run_image_steps(steps, push=settings.push)
        register_launch(remote, launch, settings)
        if not settings.run:
            names = {job.idx: launch.launch_plans[job.idx].name for job in launch.jobs}
            return run_jobs(sweep, launch.jobs, lambda job: JobResult(names[job.idx]))
        started = [start_job(remote, launch, job) for job in launch.jobs]
        executions = {
            job.idx: execution for job, execution in zip(launch.jobs, started, strict=True)
        }
        if not settings.wait:
            return run_jobs(
                sweep, launch.jobs, lambda job: started_only(remote, executions[job.idx])
            )

        def finishing() -> Iterator[Job]:
            """The jobs in the order their executions finish, watched together: each job's
            result (and a sweeper's on_job_end) as soon as its execution is done."""
            limit, poll = settings.wait_timeout_seconds, settings.poll_seconds
            for index, execution in watched(remote, started, limit, poll):
                executions[launch.jobs[index].idx] = execution
                yield launch.jobs[index]

        limit = settings.wait_timeout_seconds
        return run_jobs(
            sweep, finishing(), lambda job: waited(remote, executions[job.idx], limit), metric
        )


def waited(remote: FlyteRemote, execution: FlyteWorkflowExecution, limit: float) -> JobResult:
    """A watched execution's outputs, or why it has none (failed, or still running)."""
    url = remote.generate_console_url(execution)
    phase = phase_of(execution)
    try:
        done = result_of(remote, execution, limit)
    except LauncherError as error:
        return JobResult(None, execution=execution.id.name, url=url, phase=phase, error=str(error))
    files = file_uris(done.outputs or {})
    return JobResult(done, done.outputs, execution=done.name, url=url, phase=phase, files=files)


def started_only(remote: FlyteRemote, execution: FlyteWorkflowExecution) -> JobResult:
    """An execution just started, as a job that does not wait for it returns it."""
    url = remote.generate_console_url(execution)
    phase = phase_of(execution)
    value = Execution(execution.id.name, url, phase=phase)
    return JobResult(value, execution=execution.id.name, url=url, phase=phase)


def register_launch(remote: FlyteRemote, launch: Launch, settings: LauncherConfig) -> None:
    """Upload the source (fast registration), register everything, switch schedules on."""
    source = None
    if settings.fast_register:
        timeout = settings.connection.upload_timeout_seconds
        source = upload_source(remote, source_root(launch.module), timeout)
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
    with calling(remote, f"GetLaunchPlan for {name}"):
        launch_plan = remote.fetch_launch_plan(name=name, version=launch.version)
    launch_plan.python_interface = launch.workflow.python_interface  # outputs in their types
    return start(remote, launch_plan)
