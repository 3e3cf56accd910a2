"""What a function's or module's source says: its normalised text, and the names it reads."""

import ast
import builtins
import importlib
import importlib.util
import inspect
import sys
import textwrap
from collections.abc import Iterable
from types import ModuleType
from typing import Any


def definition(obj: Any) -> ast.AST:
    """The parsed ``def`` or ``class`` of ``obj``, without its decorators and docstrings."""
    return _bare(ast.parse(textwrap.dedent(inspect.getsource(obj))).body[0])


def _bare(tree: ast.AST) -> ast.AST:
    """``tree`` without the decorators and docstrings of its functions and classes."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            node.decorator_list = []
    return without_docstrings(tree)


def binding(module: ModuleType, name: str) -> list[ast.AST] | None:
    """The module's top-level ``def``, ``class`` and assignments of ``name``, bare; ``None`` if
    another kind of statement binds it too."""
    found: list[ast.AST] = []
    for statement in ast.parse(inspect.getsource(module)).body:
        targets = []
        if isinstance(statement, ast.Assign):
            targets = [node for target in statement.targets for node in ast.walk(target)]
        elif isinstance(statement, ast.AnnAssign | ast.AugAssign):
            targets = list(ast.walk(statement.target))
        defines = getattr(statement, "name", None) == name or any(
            isinstance(node, ast.Name) and node.id == name for node in targets
        )
        if defines:
            found.append(_bare(statement))
        elif name in _bound_by(statement):
            return None
    return found


def _bound_by(statement: ast.stmt) -> set[str]:
    """The module-level names a statement binds (a loop, ``with``, an import, an ``if`` body...)."""
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {statement.name}
    names = set()
    for node in ast.walk(statement):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(alias.asname or alias.name).partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
    return names


def unbound(tree: ast.AST, scope: dict[str, Any]) -> set[str]:
    """Names ``tree`` reads that are neither its own, in ``scope``, nor built in."""
    local = _local_names([tree])
    return {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name)
        and isinstance(node.ctx, ast.Load)
        and id(node) not in local
        and node.id not in scope
        and node.id not in vars(builtins)
    }


def without_docstrings(tree: ast.AST) -> ast.AST:
    """``tree`` with the docstrings of its module, classes and functions removed."""
    for node in ast.walk(tree):
        kinds = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
        if isinstance(node, kinds) and ast.get_docstring(node) is not None:
            node.body = node.body[1:] or [ast.Pass()]
    return tree


def names_used(tree: ast.AST, scope: dict[str, Any]) -> list[tuple[str, Any]]:
    """Each name read (``fit``) and attribute chain through modules (``model.fit``), with its
    value; a function's own parameters and variables are not the module's names."""
    bases = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    local = _local_names([tree])
    used = []
    for node in ast.walk(tree):
        if id(node) in bases or id(node) in local:
            continue
        chain: list[str] = []
        while isinstance(node, ast.Attribute):
            chain.insert(0, node.attr)
            node = node.value
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in scope:
            name, value = node.id, scope[node.id]
            for attr in chain:
                if not (inspect.ismodule(value) and hasattr(value, attr)):
                    break
                name, value = f"{name}.{attr}", getattr(value, attr)
            used.append((name, value))
    return used


def _local_names(nodes: Iterable[ast.AST], outer: frozenset[str] = frozenset()) -> set[int]:
    """The ``Name`` nodes that read a function's own parameters and variables, not the module's."""
    found: set[int] = set()
    functions = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
    for node in nodes:
        if isinstance(node, functions):
            declared = {n for g in ast.walk(node) if isinstance(g, ast.Global) for n in g.names}
            own = {arg.arg for arg in ast.walk(node.args) if isinstance(arg, ast.arg)}
            own |= {
                name.id
                for name in ast.walk(node)
                if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Store)
            }
            own |= {h.name for h in ast.walk(node) if isinstance(h, ast.ExceptHandler) and h.name}
            found |= _local_names(ast.iter_child_nodes(node), outer | (own - declared))
        else:
            if isinstance(node, ast.Name) and node.id in outer:
                found.add(id(node))
            found |= _local_names(ast.iter_child_nodes(node), outer)
    return found


def calls(tree: ast.AST) -> set[str]:
    """The names of the functions ``tree`` calls (``f(...)``, ``m.f(...)``)."""
    calls: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            function = node.func
            calls.add(getattr(function, "id", "") or getattr(function, "attr", ""))
    return calls


def local_imports(tree: ast.AST) -> dict[str, Any]:
    """The names that imports inside the function bind."""
    names: dict[str, Any] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            module = _imported(node.module)
            for alias in node.names:
                names[alias.asname or alias.name] = getattr(module, alias.name, module)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.partition(".")[0]
                names[alias.asname or top] = _imported(alias.name if alias.asname else top)
    return {name: value for name, value in names.items() if value is not None}


def _imported(name: str) -> ModuleType | None:
    """The module an import inside a function names, if it imports (it runs when the task does)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def closure(obj: Any) -> dict[str, Any]:
    """The values a nested function reads from the function that made it."""
    cells = getattr(obj, "__closure__", None) or ()
    names = getattr(getattr(obj, "__code__", None), "co_freevars", ())
    return {name: cell.cell_contents for name, cell in zip(names, cells, strict=True)}


def defined_in(module: ModuleType, name: str) -> ModuleType:
    """The module that assigns ``name``: followed through ``from x import name`` lines."""
    for node in ast.parse(inspect.getsource(module)).body:
        if isinstance(node, ast.ImportFrom):
            source = importlib.util.resolve_name(
                "." * node.level + (node.module or ""), module.__package__
            )
            for alias in node.names:
                if (alias.asname or alias.name) == name and source in sys.modules:
                    return defined_in(sys.modules[source], alias.name)
    return module
