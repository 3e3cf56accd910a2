"""Registering tasks, workflows and launch plans with flyteadmin, all under one version.

Registering identical content again is fine: flyteadmin answers ALREADY_EXISTS and flytekit
carries on. The same name and version with different content is refused by flyteadmin with
INVALID_ARGUMENT ("... with different structure already exists"): that is a conflict, reported
with the entity and version, never taken for "already registered". A failure names what was
registered before it, also when flyteadmin stops answering (infra/flyteadmin/calls.py).
"""

import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path

from flytekit.configuration import SerializationSettings
from flytekit.exceptions.base import FlyteException
from flytekit.exceptions.user import FlyteInvalidInputException
from flytekit.models.admin.workflow import WorkflowSpec
from flytekit.models.core.identifier import Identifier, ResourceType
from flytekit.models.task import TaskSpec
from flytekit.remote import FlyteRemote
from flytekit.tools.fast_registration import fast_package

from infra.errors import LauncherError
from infra.flyteadmin.calls import calling
from infra.flyteadmin.serialization import Registrable
from infra.flyteadmin.upload import upload_file
from infra.workflow.shipping import fast_package_options

log = logging.getLogger(__name__)


def register(
    remote: FlyteRemote, entities: Sequence[Registrable], settings: SerializationSettings
) -> list[Identifier]:
    """Register ``entities`` in order (each after what it uses); their identifiers."""
    registered: list[Identifier] = []
    for entity in entities:
        try:
            with calling(remote, f"{create_call(entity)} for {describe(entity)}"):
                registered.append(
                    remote.raw_register(
                        entity, settings, settings.version, create_default_launchplan=False
                    )
                )
        except LauncherError as error:
            raise LauncherError(f"{error}{_so_far(registered)}") from error
        except FlyteInvalidInputException as error:
            raise LauncherError(
                _refusal(entity, settings.version, error) + _so_far(registered)
            ) from error
        except FlyteException as error:
            raise LauncherError(
                f"registering {describe(entity)} failed: {error!r}" + _so_far(registered)
            ) from error
    launch_plans = [i.name for i in registered if i.resource_type == ResourceType.LAUNCH_PLAN]
    log.info(
        f"Registered {len(registered)} entities as version {settings.version}; "
        f"launch plans: {', '.join(launch_plans)}"
    )
    return registered


def activate(remote: FlyteRemote, launch_plans: Sequence[Identifier]) -> None:
    """Switch the schedules of ``launch_plans`` on."""
    for launch_plan in launch_plans:
        with calling(remote, f"UpdateLaunchPlan for launch plan {launch_plan.name}"):
            remote.activate_launchplan(launch_plan)
        log.info(f"Activated the schedule of launch plan {launch_plan.name}:{launch_plan.version}")


def upload_source(remote: FlyteRemote, source: Path, timeout: float) -> str:
    """Fast registration: upload the source folder's packages as an archive the tasks unpack,
    without secrets (infra/workflow/shipping.py), each stall bounded by ``timeout``; its URL."""
    options = fast_package_options()
    with tempfile.TemporaryDirectory() as folder:
        archive = fast_package(source, folder, deref_symlinks=False, options=options)
        url = upload_file(remote, Path(archive), timeout)
    log.info(f"Uploaded the source in {source} to {url}")
    return url


def create_call(entity: Registrable) -> str:
    """The gRPC call that registers ``entity``."""
    if isinstance(entity, TaskSpec):
        return "CreateTask"
    if isinstance(entity, WorkflowSpec):
        return "CreateWorkflow"
    return "CreateLaunchPlan"


def describe(entity: Registrable) -> str:
    """``task <name>``, ``workflow <name>`` or ``launch plan <name>``."""
    if isinstance(entity, TaskSpec):
        return f"task {entity.template.id.name}"
    if isinstance(entity, WorkflowSpec):
        return f"workflow {entity.template.id.name}"
    return f"launch plan {entity.id.name}"


def _refusal(entity: Registrable, version: str, error: FlyteInvalidInputException) -> str:
    """Why flyteadmin refused an entity; a conflict says how to get a fresh version."""
    details = error.__cause__.details() if hasattr(error.__cause__, "details") else str(error)
    if "different structure" in details:
        return (
            f"conflict: {describe(entity)} version {version} is already registered with different "
            "content. Register a new version: commit the change, set hydra.launcher.version, or "
            f"use hydra.launcher.random_suffix=true in development. flyteadmin said: {details}"
        )
    return f"flyteadmin refused {describe(entity)} version {version}: {details}"


def _so_far(registered: Sequence[Identifier]) -> str:
    """What was registered before a failure, so nothing is left half-registered unsaid."""
    if not registered:
        return ". Nothing was registered."
    names = ", ".join(identifier.name for identifier in registered)
    return f". Registered before the failure (version {registered[0].version}): {names}"
