"""The project as its tests see it: workflows, configs, config groups and tasks are found, not
listed, so a workflow, config, option or task a user adds is tested without editing a test."""

import functools
import importlib
import pkgutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest
from flytekit.core.base_task import PythonTask
from flytekit.core.workflow import WorkflowBase
from hydra import compose, initialize_config_dir
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf, open_dict

from infra.workflow.discovery import main_workflow, reachable

ROOT = Path(__file__).resolve().parents[2]
CONF_DIR = ROOT / "conf"
(PACKAGE,) = [path.parent.name for path in (ROOT / "src").glob("*/__init__.py")]
WORKFLOWS_PACKAGE = f"{PACKAGE}.workflows"
WORKFLOWS_DIR = ROOT / "src" / PACKAGE / "workflows"


def workflow_modules() -> dict[str, ModuleType]:
    """Each workflow file (a module of the workflows package with a Hydra ``main``), by name."""
    package = importlib.import_module(WORKFLOWS_PACKAGE)
    modules = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{WORKFLOWS_PACKAGE}.{info.name}")
        if hasattr(getattr(module, "main", None), "__wrapped__"):
            modules[info.name] = module
    return modules


WORKFLOW_MODULES = workflow_modules()
WORKFLOW_NAMES = sorted(WORKFLOW_MODULES)
PRIMARY_CONFIGS = sorted(path.stem for path in CONF_DIR.glob("*.yaml"))
# Configs added on the command line (`+experiment=<name>`, `+debug=<name>`) rather than chosen in
# a defaults list: (group, option) for each file of these groups.
ADDED_CONFIGS = sorted(
    (group, path.stem)
    for group in ("experiment", "debug")
    for path in CONF_DIR.glob(f"{group}/*.yaml")
)


def workflow_of(name: str) -> WorkflowBase:
    """The main workflow of the workflow file ``name``, as the launcher finds it."""
    return main_workflow(WORKFLOW_MODULES[name])


def tasks_of(name: str) -> list[PythonTask]:
    """Every task the main workflow of ``name`` reaches, in the launcher's order."""
    return [entity for entity in reachable(workflow_of(name)) if isinstance(entity, PythonTask)]


def task_function(task: PythonTask) -> Callable | None:
    """The Python function ``task`` runs (a map task's: the mapped function), or None for a task
    that runs no function of the project's (a container task, for one)."""
    inner = getattr(task, "python_function_task", task)
    function = getattr(inner, "task_function", None)
    return function.func if isinstance(function, functools.partial) else function


def project_tasks() -> dict[str, PythonTask]:
    """Every task of the workflows package by name: those its modules define (which a
    ``@dynamic`` may call, unseen by :func:`tasks_of`) and those its workflows reach."""
    package = importlib.import_module(WORKFLOWS_PACKAGE)
    modules = [
        importlib.import_module(f"{WORKFLOWS_PACKAGE}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
    ]
    found = [value for module in modules for value in vars(module).values()]
    found += [task for name in WORKFLOW_NAMES for task in tasks_of(name)]
    return {task.name: task for task in found if isinstance(task, PythonTask)}


def compose_config(name: str, overrides=(), hydra: bool = False) -> DictConfig:
    """Compose a primary config the way ``@hydra.main`` would."""
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        return compose(config_name=name, overrides=list(overrides), return_hydra_config=hydra)


@contextmanager
def hydra_job(name: str, overrides=(), *, output_dir: Path) -> Iterator[DictConfig]:
    """The config ``main`` gets from ``@hydra.main`` for a run with ``output_dir`` as its output
    folder; Hydra's own settings (``HydraConfig.get()``) are those of that run in the block."""
    settings = compose_config(name, overrides, hydra=True)
    with open_dict(settings):
        settings.hydra.runtime.output_dir = str(output_dir)
    HydraConfig.instance().set_config(settings)
    try:
        yield compose_config(name, overrides)
    finally:
        HydraConfig.instance().cfg = None


def groups_of(name: str) -> dict[str, list[str]]:
    """The config groups the primary config ``name`` selects, each with all its options (not
    ``shared``, whose one option adds to the config's top level rather than a node of its own)."""
    return {group: list(options) for group, options in _groups_of(name)}


@functools.cache  # test modules ask while they are collected: compose each config once
def _groups_of(name: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    config = compose_config(name, hydra=True)
    return tuple(
        (group, tuple(sorted(path.stem for path in (CONF_DIR / group).glob("*.yaml"))))
        for group in config.hydra.runtime.choices
        if group in config and (CONF_DIR / group).is_dir()
    )


@functools.cache
def _top_level_keys(name: str) -> frozenset[str]:
    return frozenset(compose_config(name))


def applies_to(group: str, option: str) -> list[str]:
    """The workflows the config ``conf/<group>/<option>.yaml`` (``# @package _global_``) is
    meant for: those whose primary config selects every group it overrides and has every
    top-level key it sets (besides ``hydra``)."""
    return list(_applies_to(group, option))


@functools.cache
def _applies_to(group: str, option: str) -> tuple[str, ...]:
    added = OmegaConf.load(CONF_DIR / group / f"{option}.yaml")
    overridden = {
        key.removeprefix("override /")
        for entry in added.get("defaults", [])
        for key in (entry if isinstance(entry, DictConfig) else {})
    }
    keys = set(added) - {"defaults", "hydra"}
    return tuple(
        name
        for name in PRIMARY_CONFIGS
        if overridden <= set(groups_of(name)) and keys <= _top_level_keys(name)
    )


def group_sweep(name: str) -> list[str]:
    """A sweep over every option of the first config group ``name`` selects, e.g.
    ``["data=cubic,linear"]``; none if it selects no group."""
    groups = groups_of(name)
    return [f"{group}={','.join(options)}" for group, options in sorted(groups.items())][:1]


# A value no int, float or bool field accepts.
WRONG = "not-a-number"


def typed_leaves(config: DictConfig, prefix: str = "") -> list[tuple[str, type]]:
    """Dotted keys of the int, float and bool values in ``config`` with their types."""
    leaves = []
    for key in config:
        value = config[key]
        if isinstance(value, DictConfig):
            leaves += typed_leaves(value, f"{prefix}{key}.")
        elif OmegaConf.get_type(config, key) in (int, float, bool):
            leaves.append((f"{prefix}{key}", OmegaConf.get_type(config, key)))
    return leaves


def cases_or_skip(cases: list, reason: str, arity: int = 1) -> list:
    """``cases`` for ``pytest.mark.parametrize``, or, when there are none, one skipped case
    (of ``arity`` values) whose id says why the check does not apply to this project."""
    skipped = pytest.param(*[None] * arity, id=reason, marks=pytest.mark.skip(reason=reason))
    return cases or [skipped]
