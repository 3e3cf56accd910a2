"""Executions on Flyte: starting one with its console URL logged, and waiting for its outputs."""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flytekit.models.core.execution import WorkflowExecutionPhase
from flytekit.remote import FlyteLaunchPlan, FlyteRemote, FlyteWorkflow, FlyteWorkflowExecution

from infra.errors import LauncherError

log = logging.getLogger(__name__)
POLL_INTERVAL = timedelta(seconds=5)


@dataclass(frozen=True)
class Execution:
    """An execution as a sweep job or ``make execute`` returns it; outputs once waited for."""

    name: str
    url: str
    outputs: dict[str, Any] | None = None


def start(
    remote: FlyteRemote,
    entity: FlyteLaunchPlan | FlyteWorkflow,
    inputs: Mapping[str, Any] | None = None,
    type_hints: Mapping[str, type] | None = None,
) -> FlyteWorkflowExecution:
    """Start ``entity`` with ``inputs`` over its defaults; logs the execution's console URL."""
    execution = remote.execute(entity, inputs=dict(inputs or {}), type_hints=dict(type_hints or {}))
    log.info(
        f"Started {entity.id.name}:{entity.id.version} as {execution.id.name}: "
        f"{remote.generate_console_url(execution)}"
    )
    return execution


def outcome(remote: FlyteRemote, execution: FlyteWorkflowExecution, wait: bool) -> Execution:
    """The execution's name and URL; with ``wait``, also its outputs once it has succeeded."""
    url = remote.generate_console_url(execution)
    if not wait:
        return Execution(execution.id.name, url)
    done = remote.wait(execution, poll_interval=POLL_INTERVAL, sync_nodes=False)
    if not done.is_successful:
        phase = WorkflowExecutionPhase.enum_to_string(done.closure.phase)
        reason = f": {done.error.message}" if done.error else ""
        raise LauncherError(f"execution {done.id.name} ended {phase}{reason} ({url})")
    outputs = {name: done.outputs.get(name) for name in done.outputs.literals}
    log.info(f"Execution {done.id.name} succeeded: {outputs}")
    return Execution(done.id.name, url, outputs)
