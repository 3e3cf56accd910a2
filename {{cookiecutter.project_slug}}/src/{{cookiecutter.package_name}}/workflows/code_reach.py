"""What a task's result can depend on in the project's own code, as text (caching.py's rule)."""

import ast
import functools
import inspect
import sys
from types import ModuleType
from typing import Any

from flytekit.core.array_node_map_task import ArrayNodeMapTask
from flytekit.core.launch_plan import LaunchPlan
from flytekit.core.python_function_task import PythonFunctionTask
from flytekit.core.workflow import PythonFunctionWorkflow

from {{ cookiecutter.package_name }}.workflows.code_names import (
    binding,
    calls,
    closure,
    defined_in,
    definition,
    local_imports,
    names_used,
    unbound,
    without_docstrings,
)
from {{ cookiecutter.package_name }}.workflows.code_values import fingerprint

# Calls that reach names the code does not spell out: the module's whole source counts.
DYNAMIC = {"globals", "vars", "eval", "exec"}
# Calls that reach modules the code does not spell out: every project module's source counts.
IMPORTS = {"import_module", "__import__"}


def project_sources(function: Any) -> list[str]:
    """The normalised code of ``function`` and of what it reaches, and the values it reads."""
    reach = Reach(function.__module__.partition(".")[0])
    reach.follow(function)
    while reach.pending:
        reach.read(reach.pending.pop())
    return reach.parts


class Reach:
    """The walk: functions and classes still to read, and the text found so far."""

    def __init__(self, project: str) -> None:
        self.project = project
        self.pending: list[Any] = []
        self.parts: list[str] = []
        self.seen: set[int] = set()
        self.later_seen: set[tuple[str, str]] = set()

    def mine(self, obj: Any) -> bool:
        """Defined in the project's own package (not a library)."""
        name = obj.__name__ if inspect.ismodule(obj) else getattr(obj, "__module__", None)
        return isinstance(name, str) and name.partition(".")[0] == self.project

    def follow(self, obj: Any) -> bool:
        """Queue the code behind ``obj`` if it is code: tell whether it was."""
        if isinstance(obj, PythonFunctionTask):
            return self.follow(obj.task_function)
        if isinstance(obj, PythonFunctionWorkflow):
            return self.follow(obj.function)
        if isinstance(obj, LaunchPlan):
            return self.follow(obj.workflow)
        if isinstance(obj, ArrayNodeMapTask):  # its bound values are not public: its module counts
            self.coarse(sys.modules.get(obj.instantiated_in))
            return self.follow(obj.python_function_task)
        if isinstance(obj, functools.partial):
            self.parts.append(
                f"partial {fingerprint(obj.args, self)} {fingerprint(obj.keywords, self)}"
            )
            return self.follow(obj.func)
        if not (inspect.isfunction(obj) or inspect.isclass(obj) or inspect.ismethod(obj)):
            return False
        if self.mine(obj) and id(obj) not in self.seen:
            self.seen.add(id(obj))
            self.pending.append(obj)
        return True

    def read(self, obj: Any) -> None:
        """Add the code of a function or class, and what the names it uses stand for."""
        obj = getattr(obj, "__func__", obj)
        module = sys.modules[obj.__module__]
        try:
            tree = definition(obj)
        except (OSError, TypeError):  # made at run time (``type(...)``): no source of its own
            self.coarse(module)
            return
        self.parts.append(ast.unparse(tree))
        self.names(tree, module, {**local_imports(tree), **closure(obj)})

    def names(self, tree: ast.AST, module: ModuleType, scope: dict[str, Any]) -> None:
        """Add what the names in ``tree`` stand for; those its module binds further down, which
        flytekit's decorator has not run yet when it asks for a task's version, by their source."""
        scope = {**vars(module), **scope}
        for name, value in names_used(tree, scope):
            self.value(module, name, value)
        for name in unbound(tree, scope):
            self.later(module, name)
        for call in calls(tree):
            if call in DYNAMIC:
                self.coarse(module)
            elif call in IMPORTS:
                for other in [m for m in list(sys.modules.values()) if isinstance(m, ModuleType)]:
                    if self.mine(other):
                        self.coarse(other)

    def later(self, module: ModuleType, name: str) -> None:
        """A name bound below the code that reads it: the statements that bind it, followed."""
        if (module.__name__, name) in self.later_seen:
            return
        self.later_seen.add((module.__name__, name))
        statements = binding(module, name)
        if statements is None:  # bound some other way (a loop, an import, ...)
            self.coarse(module)
            return
        for statement in statements:
            self.parts.append(ast.unparse(statement))
            self.names(statement, module, {})

    def value(self, module: ModuleType, name: str, value: Any) -> None:
        """A name the code reads: code is followed, a value of the project's code is recorded."""
        if inspect.ismodule(value):
            if self.mine(value):  # the module as a value: any of its names may be reached
                self.coarse(value)
        elif self.follow(value) or _library_name(value) and not self.mine(type(value)):
            return
        else:
            text = fingerprint(value, self)
            if text is None:
                self.coarse(defined_in(module, name.partition(".")[0]))
            else:
                self.parts.append(f"{module.__name__}: {name} = {text}")

    def coarse(self, module: ModuleType | None) -> None:
        """Take in a whole project module's normalised source."""
        if module is not None and self.mine(module) and id(module) not in self.seen:
            self.seen.add(id(module))
            self.parts.append(ast.unparse(without_docstrings(ast.parse(inspect.getsource(module)))))


def _library_name(value: Any) -> bool:
    """A built-in function or a typing construct (``Optional``, ``list[int]``)."""
    typing_kind = type(value).__module__ in ("typing", "types", "typing_extensions")
    return inspect.isbuiltin(value) or inspect.ismethoddescriptor(value) or typing_kind
