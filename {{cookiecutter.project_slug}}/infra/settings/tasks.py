"""Per-task settings from ``hydra.launcher.tasks``: which task each entry means, its values
checked offline, and what they change in the task's serialized template.

An entry is keyed by the task's function name (``train``), or by its full name
(``<package>.workflows.tasks.train``) where two tasks of the workflow share a function name. A
``map_task(train)`` is keyed like ``train``: its settings go to the array node's sub-task, which
runs each item. Tasks a ``@dynamic`` launches are created on the cluster at run time, beyond the
launcher's reach: a key naming one is refused with where to set them instead. A
name the workflow's tasks do not have is an error listing them. Each field set replaces the
task's own ``@task`` value; requests and limits replace resource by resource, and the resources
that result (config and ``@task`` together, for every task) are checked by
infra/settings/resources.py.

Package and remote mode apply these settings to the task templates they register; the task
objects are left as they are, so local runs (which cannot mimic a cluster's resources) ignore them.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from flytekit import Resources
from flytekit.core.base_task import PythonTask
from flytekit.core.python_auto_container import PythonAutoContainerTask
from flytekit.core.resources import ResourceSpec, convert_resources_to_resource_model
from flytekit.core.workflow import WorkflowBase
from flytekit.models.task import Resources as ResourcesModel
from flytekit.models.task import TaskSpec, TaskTemplate
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from infra.errors import LauncherError
from infra.settings.resources import RESOURCES, Setting, check_resources
from infra.settings.schema import ResourcesConfig, TaskConfig
from infra.workflow.discovery import dynamic_launchers, reachable, run_task

ResourceName = ResourcesModel.ResourceName
PREFIX = "hydra.launcher.tasks"
# flytekit's name for each resource of RESOURCES.
FLYTEKIT_NAMES = dict(zip(RESOURCES, ("cpu", "mem", "gpu", "ephemeral_storage"), strict=True))
DURATION = re.compile(r"(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?")
UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}
MAX_RETRIES = 2**32 - 1  # Flyte's retry count is an unsigned 32-bit number
MAX_TIMEOUT_SECONDS = 315_576_000_000  # the longest protobuf Duration: 10,000 years


@dataclass(frozen=True)
class TaskSettings:
    """What a launch changes in one task's template; None keeps the task's own value."""

    resources: ResourceSpec | None = None
    retries: int | None = None
    timeout: timedelta | None = None
    interruptible: bool | None = None
    image: str | None = None  # an image reference


def task_settings(
    workflow: WorkflowBase, configured: Mapping[str, Any], images: Mapping[str, str]
) -> dict[str, TaskSettings]:
    """The settings of each configured task by its full name, every value checked, and the
    resources of all the workflow's tasks checked. ``configured`` is ``hydra.launcher.tasks``,
    ``images`` maps image names to references."""
    tasks = [entity for entity in reachable(workflow) if isinstance(entity, PythonTask)]
    chosen: dict[str, tuple[str, TaskConfig]] = {}
    for key, value in configured.items():
        task = find_task(key, tasks, workflow.name)
        config = task_config(key, value)
        if task.name in chosen:
            raise LauncherError(
                f"{PREFIX}.{chosen[task.name][0]} and {PREFIX}.{key} are both task {task.name}: "
                "keep one"
            )
        chosen[task.name] = (key, config)
    settings = {}
    for task in tasks:
        if task.name not in chosen:
            _checked_resources(task, None, TaskConfig())  # its @task resources alone
            continue
        key, config = chosen[task.name]
        settings[task.name] = TaskSettings(
            resources=_checked_resources(task, key, config),
            retries=_retries(key, config.retries),
            timeout=None if config.timeout is None else parse_timeout(key, config.timeout),
            interruptible=config.interruptible,
            image=None if config.image is None else _image(key, config.image, images),
        )
    return settings


def task_config(key: str, value: Any) -> TaskConfig:
    """One entry of ``hydra.launcher.tasks`` as a TaskConfig: no unknown keys, values typed."""
    try:
        merged = OmegaConf.merge(OmegaConf.structured(TaskConfig), value)
        return cast(TaskConfig, OmegaConf.to_object(merged))
    except (OmegaConfBaseException, ValueError) as error:
        where = ".".join(part for part in (PREFIX, key, getattr(error, "full_key", "")) if part)
        raise LauncherError(f"{where}: {str(error).splitlines()[0]}") from None


def find_task(key: str, tasks: Sequence[PythonTask], workflow: str) -> PythonTask:
    """The task ``key`` names: its full name, or a function name only one task has."""
    for task in tasks:
        if key in (task.name, run_task(task).name):
            return task
    matches = [task for task in tasks if short_name(task) == key]
    if len(matches) > 1:
        raise LauncherError(
            f"{PREFIX}.{key} is ambiguous: workflow {workflow} has tasks "
            f"{sorted(task.name for task in matches)}; use the full name as the key"
        )
    if not matches:
        for launcher in dynamic_launchers(key, tasks):
            raise LauncherError(
                f"{PREFIX}.{key}: task {key!r} is launched by the @dynamic task {launcher.name}, "
                "which creates its tasks on the cluster at run time, beyond these settings. Set "
                f"them in code: in @task(requests=Resources(...), limits=Resources(...), "
                f"retries=..., timeout=...) on {key}, or as {key}(...).with_overrides(requests="
                f"Resources(...), limits=Resources(...)) inside {short_name(launcher)}; "
                f"{PREFIX}.{short_name(launcher)} sets those of the @dynamic task itself"
            )
        raise LauncherError(
            f"{PREFIX}.{key}: workflow {workflow} has no task {key!r}; its tasks are "
            f"{sorted({short_name(task) for task in tasks})}"
        )
    return matches[0]


def short_name(task: PythonTask) -> str:
    """A task's function name: ``train`` for ``<package>.workflows.tasks.train``, and for
    ``map_task(train)`` too."""
    return run_task(task).name.rpartition(".")[2]


def parse_timeout(key: str, text: str) -> timedelta:
    """A positive duration: whole seconds (``3600``) or hours, minutes and seconds, each
    optional, in that order (``1h30m``, ``45m``, ``90s``)."""
    match = DURATION.fullmatch(text)
    if text.isdigit():
        seconds = int(text)
    elif text and match is not None:
        seconds = sum(int(match[unit] or 0) * size for unit, size in UNIT_SECONDS.items())
    else:
        raise LauncherError(
            f"{PREFIX}.{key}.timeout={text!r} is not a duration: write seconds (3600) or hours, "
            "minutes and seconds such as 1h30m, 45m, 90s"
        )
    if not 0 < seconds <= MAX_TIMEOUT_SECONDS:
        raise LauncherError(
            f"{PREFIX}.{key}.timeout={text!r} is out of range: a timeout is more than 0 and at "
            f"most {MAX_TIMEOUT_SECONDS} seconds"
        )
    return timedelta(seconds=seconds)


def with_task_settings(spec: TaskSpec, settings: TaskSettings) -> TaskSpec:
    """``spec`` with ``settings`` applied to its container and metadata."""
    message = spec.to_flyte_idl()
    template = message.template
    if settings.resources is not None:
        model = convert_resources_to_resource_model(
            requests=settings.resources.requests, limits=settings.resources.limits
        )
        template.container.resources.CopyFrom(model.to_flyte_idl())
    if settings.image is not None:
        template.container.image = settings.image
    if settings.retries is not None:
        template.metadata.retries.retries = settings.retries
    if settings.timeout is not None:
        template.metadata.timeout.FromTimedelta(settings.timeout)
    if settings.interruptible is not None:
        template.metadata.interruptible = settings.interruptible
    return TaskSpec(TaskTemplate.from_flyte_idl(template), spec.docs)


def template_settings(spec: TaskSpec) -> dict[str, Any]:
    """What a serialized task runs with, for the package manifest: image, requests, limits,
    retries, timeout in seconds (None: none) and interruptible (None: the workflow decides)."""
    template = spec.to_flyte_idl().template
    resources = template.container.resources
    metadata = template.metadata
    interruptible = metadata.WhichOneof("interruptible_value") is not None
    return {
        "image": template.container.image,
        "requests": {_resource_name(entry.name): entry.value for entry in resources.requests},
        "limits": {_resource_name(entry.name): entry.value for entry in resources.limits},
        "retries": metadata.retries.retries,
        "timeout": metadata.timeout.seconds or None,
        "interruptible": metadata.interruptible if interruptible else None,
    }


def _resource_name(number: int) -> str:
    """``memory`` for flyteidl's ``Resources.MEMORY``."""
    return {getattr(ResourceName, name.upper()): name for name in RESOURCES}[number]


def _checked_resources(
    task: PythonTask, key: str | None, config: TaskConfig
) -> ResourceSpec | None:
    """The task's requests and limits, the config's replacing its own resource by resource,
    checked; None if the config sets none (the task's template keeps its own)."""
    runner = run_task(task)
    own = getattr(runner, "resources", None)
    own_spec = own if isinstance(own, ResourceSpec) else ResourceSpec(Resources(), Resources())
    sides = {
        side: _merged(key, side, getattr(config, side), getattr(own_spec, side))
        for side in ("requests", "limits")
    }
    check_resources(task.name, sides["requests"], sides["limits"])
    if config.requests == ResourcesConfig() and config.limits == ResourcesConfig():
        return None
    if not isinstance(runner, PythonAutoContainerTask) or runner.pod_template is not None:
        raise LauncherError(
            f"{PREFIX}.{key}: task {task.name} runs no plain container (it has a pod template or "
            "is not a Python task): set its resources in its code"
        )
    return ResourceSpec(
        **{
            side: Resources(**{FLYTEKIT_NAMES[name]: value for name, (_, value) in merged.items()})
            for side, merged in sides.items()
        }
    )


def _merged(
    key: str | None, side: str, config: ResourcesConfig, own: Resources
) -> dict[str, Setting]:
    """One side (requests or limits) of a task's resources, each with where it was set."""
    merged = {}
    for name in RESOURCES:
        value = getattr(config, name)
        own_value = getattr(own, FLYTEKIT_NAMES[name])
        if value is not None:
            merged[name] = (f"{PREFIX}.{key}.{side}.{name}", value)
        elif own_value is not None:
            merged[name] = (f"@task {side}.{FLYTEKIT_NAMES[name]}", str(own_value))
    return merged


def _retries(key: str, retries: int | None) -> int | None:
    if retries is not None and not 0 <= retries <= MAX_RETRIES:
        raise LauncherError(
            f"{PREFIX}.{key}.retries={retries} is out of range: a retry count is 0 to {MAX_RETRIES}"
        )
    return retries


def _image(key: str, name: str, images: Mapping[str, str]) -> str:
    if name not in images:
        raise LauncherError(
            f"{PREFIX}.{key}.image={name!r} is not one of hydra.launcher.images: {sorted(images)}"
        )
    return images[name]
