"""Find what to launch: the workflow module under its importable name, the main workflow, and
every task, sub-workflow and launch plan it reaches."""

import importlib
import inspect
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import CodeType, ModuleType

from flytekit.core.array_node_map_task import ArrayNodeMapTask
from flytekit.core.base_task import PythonTask
from flytekit.core.condition import BranchNode
from flytekit.core.launch_plan import LaunchPlan
from flytekit.core.python_function_task import PythonFunctionTask
from flytekit.core.workflow import WorkflowBase

from infra.errors import LauncherError


def workflow_module(task_function: Callable) -> ModuleType:
    """Import the module that defines Hydra's task function under its package name.

    ``python src/pkg/workflows/x.py`` runs the file as ``__main__``; Flyte must record the
    importable name (``pkg.workflows.x``) so a container can import the tasks.
    """
    name = task_function.__module__
    if name == "__main__":
        source = inspect.getsourcefile(task_function)
        if source is None:
            raise LauncherError(f"cannot tell which file defines {task_function.__qualname__}")
        name = module_name(Path(source).resolve())
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise LauncherError(
            f"cannot import the workflow module {name!r} ({error}); install the project "
            "(make install) so its package is importable"
        ) from error


def module_name(path: Path) -> str:
    """Dotted name of a source file, climbing parent folders while they are packages."""
    parts = [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    if len(parts) == 1:
        raise LauncherError(
            f"{path} is not inside a package: give its folder an __init__.py so Flyte can import "
            "the tasks by module name"
        )
    return ".".join(parts)


def main_workflow(module: ModuleType, name: str | None = None) -> WorkflowBase:
    """The module's workflow that no other workflow uses, or the one named ``name``."""
    workflows = {attr: obj for attr, obj in vars(module).items() if isinstance(obj, WorkflowBase)}
    if name is not None:
        if name not in workflows:
            raise LauncherError(
                f"workflow {name!r} not found in {module.__name__}; it has: {sorted(workflows)}"
            )
        return workflows[name]
    used = {id(entity) for wf in workflows.values() for entity in reachable(wf) if entity is not wf}
    candidates = sorted(attr for attr, wf in workflows.items() if id(wf) not in used)
    if len(candidates) != 1:
        found = candidates or "none"
        raise LauncherError(
            f"expected one main workflow (one no other workflow uses) in {module.__name__}, "
            f"found {found}; choose one with hydra.launcher.workflow=<name>"
        )
    return workflows[candidates[0]]


def reachable(
    workflow: WorkflowBase,
) -> Iterator[WorkflowBase | PythonTask | LaunchPlan | BranchNode]:
    """The workflow itself, then every entity its nodes call, depth first, each once: tasks,
    workflows, launch plans, and each ``conditional`` (a BranchNode) followed by its branches'."""
    seen: set[int] = set()
    stack: list = [workflow]
    while stack:
        entity = stack.pop()
        if id(entity) in seen:
            continue
        seen.add(id(entity))
        yield entity
        if isinstance(entity, LaunchPlan):
            stack.append(entity.workflow)
        elif isinstance(entity, WorkflowBase):
            stack.extend(node.flyte_entity for node in reversed(entity.nodes))
        elif isinstance(entity, BranchNode):
            block = entity._ifelse_block  # flytekit keeps the branches' nodes only here
            cases = [block.case, *(block.other or [])]
            branches = [case.then_node for case in cases] + [block.else_node]
            stack.extend(node.flyte_entity for node in reversed(branches) if node is not None)


def source_root(module: ModuleType) -> Path:
    """The folder holding the module's top-level package: what a container puts on sys.path."""
    package = importlib.import_module(module.__name__.partition(".")[0])
    return Path(inspect.getfile(package)).resolve().parents[1]


def project_root(module: ModuleType) -> Path:
    """The nearest folder at or above the source root with a ``pyproject.toml``, else the source
    root: where versioning looks for git and changes."""
    root = source_root(module)
    return next(
        (folder for folder in [root, *root.parents] if (folder / "pyproject.toml").is_file()), root
    )


def run_task(task: PythonTask) -> PythonTask:
    """The task that runs: a ``map_task``'s mapped task, else the task itself."""
    return task.python_function_task if isinstance(task, ArrayNodeMapTask) else task


def dynamic_launchers(key: str, tasks: Sequence[PythonTask]) -> list[PythonTask]:
    """The ``@dynamic`` tasks among ``tasks`` whose code calls a task whose function name is
    ``key``: those tasks are created on the cluster at run time, never reached from here."""
    return [
        task
        for task in tasks
        if isinstance(task, PythonFunctionTask)
        and task.execution_mode == PythonFunctionTask.ExecutionBehavior.DYNAMIC
        and any(
            isinstance(value, PythonTask) and value.name.rpartition(".")[2] == key
            for name, value in task.task_function.__globals__.items()
            if name in global_names(task.task_function.__code__)
        )
    ]


def global_names(code: CodeType) -> set[str]:
    """The global names a function's code (with its comprehensions and inner functions) uses."""
    inner = [const for const in code.co_consts if isinstance(const, CodeType)]
    return set(code.co_names).union(*map(global_names, inner))
