"""Cache versions that follow the code: ``@task(cache=CODE_CACHE)``.

Flyte re-uses a cached output while the task's name, cache version and inputs are unchanged. Here
the version is a hash of the task's code, its signature, and the code of every function and class
of this project it uses (directly or through other project functions): edit the task, a helper it
calls or a dataclass it returns, and the task runs again, along with whatever its new output feeds.
So do the values of simple module-level constants it reads (``THRESHOLD = 0.5``). Comments,
formatting, docstrings and decorators do not count. To pin a version by hand instead,
use ``@task(cache=Cache(version="1"))`` and bump it yourself.
"""

import ast
import hashlib
import inspect
import textwrap
from collections.abc import Callable, Iterator
from typing import Any

from flytekit import Cache
from flytekit.core.cache import VersionParameters


class CodeHash:
    """A flytekit ``CachePolicy``: the version is a hash of the code the task runs."""

    def get_version(self, salt: str, params: VersionParameters) -> str:
        digest = hashlib.sha256(salt.encode())
        for source in sorted(set(project_sources(params.func))):
            digest.update(source.encode() + b"\0")
        return digest.hexdigest()


CODE_CACHE = Cache(policies=CodeHash())
# Module-level values whose changes count, like code: plain numbers, text and flags.
CONSTANTS = (bool, int, float, str, bytes)


def project_sources(function: Callable) -> Iterator[str]:
    """Normalised source of ``function`` and of the project's functions and classes it reaches."""
    project = function.__module__.partition(".")[0]
    seen: set[int] = set()
    stack: list[Any] = [function]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        tree = _definition(obj)
        yield ast.unparse(tree)
        scope = vars(inspect.getmodule(obj))
        for name, used in _names_used(tree, scope):
            if _in_project(used, project):
                stack.append(used)
            elif isinstance(used, CONSTANTS):
                yield f"{name} = {used!r}"


def _definition(obj: Any) -> ast.AST:
    """The parsed ``def`` or ``class`` of ``obj``, without its decorators and docstrings."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(obj))).body[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            node.decorator_list = []
            if ast.get_docstring(node) is not None:
                node.body = node.body[1:] or [ast.Pass()]
    return tree


def _names_used(tree: ast.AST, scope: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """The names (``fit``) and attribute chains (``model.fit``) in ``tree``, with what they are."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in scope:
            yield node.id, scope[node.id]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner = scope.get(node.value.id)
            if inspect.ismodule(owner) and hasattr(owner, node.attr):
                yield f"{node.value.id}.{node.attr}", getattr(owner, node.attr)


def _in_project(obj: Any, project: str) -> bool:
    """A function or class defined in the project's own package (not a library's)."""
    if not (inspect.isfunction(obj) or inspect.isclass(obj)):
        return False
    return getattr(obj, "__module__", "").partition(".")[0] == project
