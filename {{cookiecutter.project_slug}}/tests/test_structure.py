"""The launcher's structure: no module of infra/ imports, directly or through others, a module
that imports it back, nested (function-level) imports included."""

import ast

from support.project import ROOT

INFRA = ROOT / "infra"


def infra_imports(module: str) -> set[str]:
    """The infra modules that ``infra/<module>.py`` imports anywhere in its code."""
    tree = ast.parse((INFRA / f"{module}.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("infra"):
            if node.module == "infra":
                found |= {alias.name for alias in node.names}
            else:
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("infra.")}
    return found


def test_infra_has_no_import_cycle():
    graph = {path.stem: infra_imports(path.stem) for path in INFRA.glob("*.py")}
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        assert module not in path, f"import cycle: {' -> '.join([*path, module])}"
        if module not in done:
            for imported in sorted(graph.get(module, ())):
                visit(imported, [*path, module])
            done.add(module)

    for module in sorted(graph):
        visit(module, [])
    assert len(graph) > 10, sorted(graph)
