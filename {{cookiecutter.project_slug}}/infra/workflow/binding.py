"""The config binding rule: which part of a Hydra job config feeds which workflow input.

1. The input named ``cfg`` gets the whole job config, without the ``hydra`` node.
2. An input named like a top-level config key gets that subtree or value.
3. Any other input comes from the launcher's ``inputs`` mapping, else keeps the workflow's default.
4. An input left without a value is an error that names it, and so is a config value left
   ``???`` (one the user must choose, e.g. by an experiment's command line) and a name in
   ``inputs`` that is no such input (not one of the workflow's, or one the config already gives).
"""

import copy
from collections.abc import Mapping
from typing import Any

from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.core.workflow import WorkflowBase
from flytekit.models.literals import Literal
from omegaconf import DictConfig, ListConfig, OmegaConf, open_dict, read_write

from infra.errors import LauncherError

CONFIG_INPUT = "cfg"


def job_config(config: DictConfig) -> DictConfig:
    """The job's config as ``@hydra.main`` passes it to ``main``: without Hydra's own node, still
    typed by its schema, so a run here and a launched run give tasks the same value (and cache
    key); interpolations resolved."""
    job = copy.deepcopy(config)
    with read_write(job), open_dict(job):
        job.pop("hydra", None)
    OmegaConf.resolve(job)
    return job


def bind_inputs(
    workflow: WorkflowBase, config: DictConfig, inputs: Mapping[str, Any]
) -> dict[str, Any]:
    """Python values for the workflow's inputs from a job config, following the rule above."""
    job = job_config(config)
    unchosen = sorted(OmegaConf.missing_keys(job))
    if unchosen:
        raise LauncherError(
            f"config values left ??? must be chosen: {unchosen}; set them on the command line, "
            f"e.g. {unchosen[0]}=<value>"
        )
    interface = workflow.python_interface
    defaults = interface.default_inputs_as_kwargs
    check_input_names(workflow, job, inputs)
    bound: dict[str, Any] = {}
    missing = []
    for name, python_type in interface.inputs.items():
        if name == CONFIG_INPUT:
            bound[name] = job
        elif name in job:
            bound[name] = _as_python(job[name], python_type)
        elif name in inputs:
            bound[name] = _as_python(inputs[name], python_type)
        elif name not in defaults:
            missing.append(name)
    if missing:
        raise LauncherError(
            f"workflow {workflow.name} has inputs with no value: {missing}; add them to the config "
            "as top-level keys or set hydra.launcher.inputs.<name>=<value>"
        )
    return bound


def check_input_names(workflow: WorkflowBase, job: DictConfig, inputs: Mapping[str, Any]) -> None:
    """Refuse names in ``inputs`` that rule 3 would never use, naming the ones it would."""
    names = workflow.python_interface.inputs
    open_inputs = [name for name in names if name != CONFIG_INPUT and name not in job]
    problems = []
    for name, value in inputs.items():
        if name in open_inputs:
            continue
        if name in names:
            rule = f"must not be set: the config gives input {name!r}; override it there"
        else:
            rule = (
                f"must be an input of workflow {workflow.name} that the config does not give: "
                f"{', '.join(open_inputs) or 'it has none'}"
            )
        problems.append(f"hydra.launcher.inputs.{name}: {rule} (got {plain(value)!r})")
    if problems:
        raise LauncherError("\n".join(problems))


def to_literals(workflow: WorkflowBase, values: Mapping[str, Any]) -> dict[str, Literal]:
    """Convert bound inputs to Flyte literals, so a value of the wrong type fails here, early."""
    ctx = FlyteContextManager.current_context()
    interface = workflow.python_interface
    literals = {}
    for name, value in values.items():
        literal_type = TypeEngine.to_literal_type(interface.inputs[name])
        try:
            literals[name] = TypeEngine.to_literal(ctx, value, interface.inputs[name], literal_type)
        except Exception as error:
            raise LauncherError(
                f"input {name!r} of workflow {workflow.name} cannot be a "
                f"{interface.inputs[name]}: {error}"
            ) from error
    return literals


def plain(value: Any) -> Any:
    """A config or config list as plain Python containers (interpolations resolved); any other
    value as it is."""
    if isinstance(value, DictConfig | ListConfig):
        return OmegaConf.to_container(value, resolve=True)
    return value


def _as_python(value: Any, python_type: type) -> Any:
    """Plain Python containers for inputs not typed as OmegaConf configs."""
    return value if python_type in (DictConfig, ListConfig) else plain(value)
