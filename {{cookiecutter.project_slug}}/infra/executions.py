"""Executions on Flyte: the inputs that change a launch plan's defaults, starting an execution
with its console URL logged, and waiting for its outputs."""

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import yaml
from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.models.core.execution import WorkflowExecutionPhase
from flytekit.remote import FlyteLaunchPlan, FlyteRemote, FlyteWorkflow, FlyteWorkflowExecution
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from infra.binding import CONFIG_INPUT
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
