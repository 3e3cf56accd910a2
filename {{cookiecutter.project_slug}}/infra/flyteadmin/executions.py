"""Executions on Flyte: the inputs that change a launch plan's defaults, starting an execution
with its console URL logged, and watching executions together until they are done."""

import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import yaml
from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.models.core.execution import WorkflowExecutionPhase
from flytekit.remote import FlyteLaunchPlan, FlyteRemote, FlyteWorkflow, FlyteWorkflowExecution
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from infra.errors import LauncherError
from infra.flyteadmin.calls import calling
from infra.workflow.binding import CONFIG_INPUT

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Execution:
    """An execution as a sweep job or ``make execute`` returns it; outputs once waited for."""

    name: str
    url: str
    outputs: dict[str, Any] | None = None
    phase: str | None = None


def start(
    remote: FlyteRemote,
    entity: FlyteLaunchPlan | FlyteWorkflow,
    inputs: Mapping[str, Any] | None = None,
    type_hints: Mapping[str, type] | None = None,
) -> FlyteWorkflowExecution:
    """Start ``entity`` with ``inputs`` over its defaults; logs the execution's console URL."""
    with calling(remote, f"CreateExecution for {entity.id.name}"):
        execution = remote.execute(
            entity, inputs=dict(inputs or {}), type_hints=dict(type_hints or {})
        )
    log.info(
        f"Started {entity.id.name}:{entity.id.version} as {execution.id.name}: "
        f"{remote.generate_console_url(execution)}"
    )
    return execution


def watch(
    remote: FlyteRemote,
    executions: Sequence[FlyteWorkflowExecution],
    limit_seconds: float,
    poll_seconds: float,
) -> list[FlyteWorkflowExecution]:
    """Poll all ``executions`` together until each is done or ``limit_seconds`` have passed,
    logging every phase change as it is seen; returns their latest states, in order."""
    latest = list(executions)
    for index, execution in watched(remote, executions, limit_seconds, poll_seconds):
        latest[index] = execution
    return latest


def watched(
    remote: FlyteRemote,
    executions: Sequence[FlyteWorkflowExecution],
    limit_seconds: float,
    poll_seconds: float,
) -> Iterator[tuple[int, FlyteWorkflowExecution]]:
    """``watch``, one execution at a time: each (index, latest state) as soon as it is done, and
    those still running when ``limit_seconds`` have passed."""
    deadline = time.monotonic() + limit_seconds
    latest = list(executions)
    phases = [phase_of(execution) for execution in latest]
    log.info(f"Waiting for {len(latest)} execution(s): " + _listing(latest, phases))
    waiting = set(range(len(latest)))  # each is synced at least once: that fetches its outputs
    while True:
        for i in sorted(waiting):
            execution = latest[i]
            with calling(remote, f"GetExecution for {execution.id.name}"):
                latest[i] = remote.sync_execution(execution, sync_nodes=False)
            phase = phase_of(latest[i])
            if phase != phases[i]:
                log.info(f"Execution {execution.id.name}: {phases[i]} -> {phase}")
                phases[i] = phase
            if latest[i].is_done:
                waiting.discard(i)
                yield i, latest[i]
        remaining = deadline - time.monotonic()
        if not waiting or remaining <= 0:
            for i in sorted(waiting):
                yield i, latest[i]
            return
        time.sleep(min(poll_seconds, remaining))


def result_of(
    remote: FlyteRemote, execution: FlyteWorkflowExecution, limit_seconds: float
) -> Execution:
    """A watched execution with its outputs; an error naming it unless it succeeded."""
    url = remote.generate_console_url(execution)
    phase = phase_of(execution)
    if not execution.is_done:
        raise LauncherError(
            f"execution {execution.id.name} is still {phase} after the wait limit of "
            f"{limit_seconds:g} s (hydra.launcher.wait_timeout_seconds) ({url})"
        )
    if not execution.is_successful:
        reason = f": {execution.error.message}" if execution.error else ""
        raise LauncherError(f"execution {execution.id.name} ended {phase}{reason} ({url})")
    outputs = {name: execution.outputs.get(name) for name in execution.outputs.literals}
    log.info(f"Execution {execution.id.name} succeeded: {outputs}")
    return Execution(execution.id.name, url, outputs, phase)


def outcome(
    remote: FlyteRemote,
    execution: FlyteWorkflowExecution,
    wait: bool,
    limit_seconds: float,
    poll_seconds: float,
) -> Execution:
    """The execution's name and URL; with ``wait``, also its outputs once it has succeeded."""
    if not wait:
        return Execution(execution.id.name, remote.generate_console_url(execution))
    (done,) = watch(remote, [execution], limit_seconds, poll_seconds)
    return result_of(remote, done, limit_seconds)


def phase_of(execution: FlyteWorkflowExecution) -> str:
    """The execution's phase by name, e.g. ``RUNNING``."""
    return WorkflowExecutionPhase.enum_to_string(execution.closure.phase)


def _listing(executions: Sequence[FlyteWorkflowExecution], phases: Sequence[str]) -> str:
    return ", ".join(f"{e.id.name} {phase}" for e, phase in zip(executions, phases, strict=True))


def execution_inputs(
    launch_plan: FlyteLaunchPlan,
    values: Mapping[str, str],
    overrides: Sequence[str],
    local_config: Callable[[], DictConfig],
) -> tuple[dict[str, Any], dict[str, type]]:
    """Inputs (and their Python types) that change the launch plan's defaults, checked here:
    unknown names, unknown config keys and inputs left without a value are errors."""
    variables = launch_plan.interface.inputs
    unknown = sorted(set(values) - set(variables))
    if unknown:
        raise LauncherError(f"unknown inputs {unknown}; {launch_plan.name} has {sorted(variables)}")
    parameters = launch_plan.default_inputs.parameters
    inputs: dict[str, Any] = {}
    hints: dict[str, type] = {}
    for name, text in values.items():
        hints[name] = TypeEngine.guess_python_type(variables[name].type)
        inputs[name] = text if hints[name] is str else yaml.safe_load(text)
    has_default = {name for name, parameter in parameters.items() if parameter.default is not None}
    if CONFIG_INPUT in variables and (overrides or CONFIG_INPUT not in has_default):
        if CONFIG_INPUT in has_default:
            base = _decoded(parameters[CONFIG_INPUT].default)
        else:
            base = local_config()
        inputs[CONFIG_INPUT] = overridden(base, overrides)
        hints[CONFIG_INPUT] = DictConfig
    missing = sorted(set(variables) - set(inputs) - has_default)
    if missing:
        raise LauncherError(f"{launch_plan.name} needs inputs {missing}: give --input NAME=VALUE")
    return inputs, hints


def overridden(config: DictConfig, overrides: Sequence[str]) -> DictConfig:
    """``config`` with dotted ``key=value`` overrides merged in; an unknown key is an error."""
    OmegaConf.set_struct(config, True)
    try:
        return cast(DictConfig, OmegaConf.merge(config, OmegaConf.from_dotlist(list(overrides))))
    except OmegaConfBaseException as error:
        raise LauncherError(f"cannot apply overrides {list(overrides)}: {error}") from error


def _decoded(literal) -> DictConfig:
    """A registered DictConfig default, back as a DictConfig."""
    return TypeEngine.to_python_value(FlyteContextManager.current_context(), literal, DictConfig)
