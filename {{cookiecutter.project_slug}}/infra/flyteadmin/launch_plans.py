"""One launch plan per sweep job: the workflow with that job's inputs baked in as defaults.

Its name is ``<workflow name>.<hash>``, the hash being the first 10 hex digits of SHA-256 over the
launch plan's default inputs, schedule and notifications. So the same job config always gives the
same launch plan (re-registering it is a no-op), and a changed config never collides with one that
is already registered under the same version. The manifest and the log list the names.
"""

import hashlib
from collections.abc import Mapping, Sequence

from flytekit import CronSchedule, LaunchPlan
from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.interface import transform_inputs_to_parameters
from flytekit.core.notification import Notification
from flytekit.core.workflow import WorkflowBase
from flytekit.models.interface import Parameter, ParameterMap
from flytekit.models.literals import Literal, LiteralMap

from infra.errors import LauncherError
from infra.settings.schema import ScheduleConfig


def cron_schedule(config: ScheduleConfig) -> CronSchedule | None:
    """The configured schedule, checked now rather than by flyteadmin after the build.

    Flyte's scheduler takes five cron fields or an alias such as ``@daily``.
    """
    if config.cron is None:
        return None
    problem = None
    if not config.cron.strip().startswith("@") and len(config.cron.split()) != 5:
        problem = "it needs five fields: minute hour day-of-month month day-of-week"
    else:
        try:
            return CronSchedule(schedule=config.cron)
        except ValueError as error:
            problem = str(error)
    raise LauncherError(f"hydra.launcher.schedule.cron={config.cron!r} is invalid: {problem}")


def job_launch_plan(
    workflow: WorkflowBase,
    inputs: Mapping[str, Literal],
    schedule: CronSchedule | None = None,
    notifications: Sequence[Notification] = (),
) -> LaunchPlan:
    """A launch plan of ``workflow`` whose defaults are ``inputs``; executions may override them."""
    ctx = FlyteContextManager.current_context()
    parameters = transform_inputs_to_parameters(ctx, workflow.python_interface).parameters
    for name, literal in inputs.items():
        parameters[name] = Parameter(var=parameters[name].var, default=literal, required=False)
    return LaunchPlan(
        name=launch_plan_name(workflow, inputs, schedule, notifications),
        workflow=workflow,
        parameters=ParameterMap(parameters),
        fixed_inputs=LiteralMap({}),
        schedule=schedule,
        notifications=list(notifications),
    )


def launch_plan_name(
    workflow: WorkflowBase,
    inputs: Mapping[str, Literal],
    schedule: CronSchedule | None,
    notifications: Sequence[Notification],
) -> str:
    """``<workflow name>.<hash of what the launch plan holds>``, see the module docstring."""
    digest = hashlib.sha256(
        LiteralMap(dict(inputs)).to_flyte_idl().SerializeToString(deterministic=True)
    )
    for part in [schedule, *notifications]:
        if part is not None:
            digest.update(part.to_flyte_idl().SerializeToString(deterministic=True))
    return f"{workflow.name}.{digest.hexdigest()[:10]}"
