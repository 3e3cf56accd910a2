"""Tasks, workflows and launch plans as flyteadmin takes them, made with flytekit's serializer,
with the per-task settings of ``hydra.launcher.tasks`` applied to the task templates.

Package and remote mode register exactly this list, so a package shows what a launch would send.
"""

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import TypeAlias

from flytekit import LaunchPlan
from flytekit.configuration import FastSerializationSettings, ImageConfig, SerializationSettings
from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.workflow import WorkflowBase
from flytekit.models.admin.workflow import WorkflowSpec
from flytekit.models.launch_plan import LaunchPlan as LaunchPlanModel
from flytekit.models.task import TaskSpec
from flytekit.tools.translator import get_serializable

from infra.images.steps import DEFAULT_IMAGE
from infra.settings.schema import LauncherConfig
from infra.settings.tasks import TaskSettings, with_task_settings

# What flyteadmin registers. An alias Python 3.10 can read: `type X = ...` is 3.12 only.
Registrable: TypeAlias = TaskSpec | WorkflowSpec | LaunchPlanModel  # noqa: UP040
# Where fast registration unpacks the source in the container: its working directory.
FAST_DESTINATION = "."


def serialization_settings(
    settings: LauncherConfig, version: str, images: dict[str, str], distribution: str | None = None
) -> SerializationSettings:
    """Always explicit: without them flytekit would quietly use its own default image.

    With ``fast_register`` the tasks fetch their source from ``distribution`` at start; a package
    leaves it open for ``flytectl register files`` to fill in.
    """
    extra_images = {name: ref for name, ref in images.items() if name != DEFAULT_IMAGE}
    fast = FastSerializationSettings(
        enabled=True, destination_dir=FAST_DESTINATION, distribution_location=distribution
    )
    return SerializationSettings(
        image_config=ImageConfig.from_images(images[DEFAULT_IMAGE], extra_images),
        project=settings.project,
        domain=settings.domain,
        version=version,
        fast_serialization_settings=fast if settings.fast_register else None,
    )


def registrable_entities(
    workflow: WorkflowBase,
    launch_plans: Iterable[LaunchPlan],
    settings: SerializationSettings,
    tasks: Mapping[str, TaskSettings],
) -> list[Registrable]:
    """Every task and sub-workflow the workflow reaches, the workflow, its default launch plan
    (what ``pyflyte register`` adds) and ``launch_plans``; each entity after what it uses. Each
    task named in ``tasks`` (infra/settings/tasks.py) gets its settings."""
    default_launch_plan = LaunchPlan.get_default_launch_plan(
        FlyteContextManager.current_context(), workflow
    )
    serialized: OrderedDict = OrderedDict()
    for entity in [workflow, default_launch_plan, *launch_plans]:
        get_serializable(serialized, settings, entity)
    return [
        _finished(entity, tasks)
        for entity in serialized.values()
        if isinstance(entity, Registrable)
    ]


def _finished(entity: Registrable, tasks: Mapping[str, TaskSettings]) -> Registrable:
    """A serialized entity as it is registered."""
    if isinstance(entity, WorkflowSpec):
        return _sorted_upstream(entity)
    if isinstance(entity, TaskSpec) and entity.template.id.name in tasks:
        return with_task_settings(entity, tasks[entity.template.id.name])
    return entity


def _sorted_upstream(spec: WorkflowSpec) -> WorkflowSpec:
    """flytekit lists a node's upstream nodes in set order, which changes between runs; sorted,
    the same workflow always serializes the same (flyteadmin sorts them before comparing too)."""
    message = spec.to_flyte_idl()
    for template in [message.template, *message.sub_workflows]:
        for node in template.nodes:
            node.upstream_node_ids.sort()
    return WorkflowSpec.from_flyte_idl(message)
