"""Config values taken from the environment stay on this machine.

A launch plan's default inputs and an execution's inputs are stored in flyteadmin, where everyone
with access to the project can read them, and a Flyte package carries them. So a value that comes
from the environment is refused from them, naming its key, unless
``hydra.launcher.allow_env_in_launch_plans`` lists that key (or a parent of it). Secrets belong in
Flyte secrets, read inside the task: the README, "On a Flyte cluster".

Decided by where a value comes from, not by how it is written: each value is resolved three
times, twice with the environment as it is and once with every variable replaced by a marker.
A value that is stable with the environment as it is but changes with the markers, or holds one,
depends on the environment, however it got there: ``${oc.env:...}``, ``oc.decode``, a chain of
interpolations, ``${hydra:...}`` of a key (``hydra.job.env_set``, ``hydra.job.name``) that does.
"""

import os
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from unittest import mock

from flytekit.core.workflow import WorkflowBase
from hydra.core.hydra_config import HydraConfig
from omegaconf import Container, DictConfig, OmegaConf

from infra.errors import LauncherError
from infra.workflow.binding import CONFIG_INPUT

ALLOW_SETTING = "hydra.launcher.allow_env_in_launch_plans"


def refuse_env_values(workflow: WorkflowBase, config: DictConfig, allowed: list[str]) -> None:
    """Fail when a value of a job config (with its ``hydra`` node) that becomes an input of a
    launch plan of ``workflow`` depends on the environment, unless ``allowed`` names it."""
    refuse(env_dependent(config, launch_plan_keys(workflow, config)), allowed, "a launch plan")


def refuse_env_inputs(values: Mapping[str, Any], allowed: list[str]) -> None:
    """Fail when a config among an execution's inputs (its interpolations maybe unresolved)
    depends on the environment, unless ``allowed`` names the key."""
    found = [
        key
        for value in values.values()
        if isinstance(value, DictConfig)
        for key in env_dependent(value, [str(key) for key in value if key != "hydra"])
    ]
    refuse(found, allowed, "an execution's inputs")


def refuse(found: Iterable[str], allowed: list[str], where: str) -> None:
    """One line per key of ``found`` that ``allowed`` does not name."""
    refused = [k for k in found if not any(k == a or k.startswith(f"{a}.") for a in allowed)]
    if refused:
        raise LauncherError(
            "\n".join(
                f"{key}: must not take a value from the environment, which {where} would store"
                " in flyteadmin. Read secrets in the task with secret_requests (README, On a"
                f" Flyte cluster), or allow the value with {ALLOW_SETTING}=[{key}]"
                for key in refused
            )
        )


def launch_plan_keys(workflow: WorkflowBase, config: DictConfig) -> Iterator[str]:
    """The keys of ``config`` that become the workflow's inputs (infra/workflow/binding.py's
    rule)."""
    for name in workflow.python_interface.inputs:
        if name == CONFIG_INPUT:
            yield from (str(key) for key in config if key != "hydra")
        elif name in config:
            yield name
        elif name in config.hydra.launcher.inputs:
            yield f"hydra.launcher.inputs.{name}"


def env_dependent(config: DictConfig, keys: Iterable[str]) -> list[str]:
    """The leaves at or under ``keys`` whose resolved value depends on the environment."""
    keys = list(keys)
    with hydra_node_of(config):
        as_is, again = leaves(config, keys), leaves(config, keys)
        with markers() as mark:
            marked = leaves(config, keys)
    return sorted(
        key
        for key in as_is.keys() | marked.keys()
        if mark in repr(marked.get(key))
        or (as_is.get(key) == again.get(key) and as_is.get(key) != marked.get(key))
    )


@contextmanager
def markers() -> Iterator[str]:
    """Every environment variable replaced by a marker holding the text yielded."""
    mark = f"env-marker-{uuid.uuid4().hex}"
    with mock.patch.dict(os.environ, {k: f"{mark}-{k}" for k in os.environ}, clear=True):
        yield mark


@contextmanager
def hydra_node_of(config: DictConfig) -> Iterator[None]:
    """``${hydra:...}`` resolved from ``config``'s ``hydra`` node meanwhile, if it has one."""
    instance = HydraConfig.instance()
    before = instance.cfg
    if "hydra" in config:
        instance.set_config(config)
    try:
        yield
    finally:
        instance.cfg = before


def leaves(config: DictConfig, keys: Iterable[str]) -> dict[str, object]:
    """Each leaf at or under ``keys``, resolved; where resolving fails, the error's text, for the
    deepest keys that fail."""
    found: dict[str, object] = {}
    for key in keys:
        try:  # any resolver may fail on a marker
            value = OmegaConf.select(config, key, throw_on_missing=False)
            if isinstance(value, Container):
                try:
                    value = OmegaConf.to_container(value, resolve=True)
                except Exception:
                    children = value.keys() if isinstance(value, DictConfig) else range(len(value))
                    found.update(leaves(config, [f"{key}.{child!s}" for child in children]))
                    continue
        except Exception as error:
            found[key] = f"<{type(error).__name__}: {error}>"
            continue
        found.update(flatten(key, value))
    return found


def flatten(key: str, value: object) -> Iterator[tuple[str, object]]:
    """``(dotted key, value)`` of each leaf of plain containers."""
    if isinstance(value, dict) and value:
        for child, inner in value.items():
            yield from flatten(f"{key}.{child}", inner)
    elif isinstance(value, list) and value:
        for index, inner in enumerate(value):
            yield from flatten(f"{key}.{index}", inner)
    else:
        yield key, value
