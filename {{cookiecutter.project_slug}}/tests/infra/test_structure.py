"""The launcher's structure: sub-packages by concern whose imports point one way, no import cycle
between modules (function-level imports included), small modules, and each sub-package's
docstring a map of its modules."""

import ast
from pathlib import Path

import pytest

from support.scripts import ROOT

INFRA = ROOT / "infra"
# Lowest first: a sub-package may import only those before it (and ``infra.errors``).
LAYERS = ["workflow", "settings", "images", "flyteadmin", "sweeps", "modes"]
MAX_LINES = 260  # about 250: a module past it is doing more than one job


def modules() -> dict[str, Path]:
    """Every module of infra/ by its dotted name below ``infra`` (``settings.rules``)."""
    found = {}
    for path in sorted(INFRA.rglob("*.py")):
        parts = path.relative_to(INFRA).with_suffix("").parts
        found[".".join(parts)] = path
    return found


def infra_imports(path: Path) -> set[str]:
    """The infra modules (dotted below ``infra``) that the module at ``path`` imports anywhere."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("infra"):
            base = node.module.removeprefix("infra").lstrip(".")
            for alias in node.names:
                found.add(f"{base}.{alias.name}".lstrip(".") if base else alias.name)
                if base:
                    found.add(base)
        elif isinstance(node, ast.Import):
            found |= {
                a.name.removeprefix("infra.") for a in node.names if a.name.startswith("infra.")
            }
    known = modules()
    return {name for name in found if name in known}


def layer(module: str) -> int | None:
    """The position in LAYERS of the sub-package that holds ``module``; None at the top level."""
    package = module.split(".")[0]
    return LAYERS.index(package) if package in LAYERS and "." in module else None


def test_infra_is_sub_packages_by_concern():
    packages = {p.name for p in INFRA.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(LAYERS), sorted(packages)
    top = {p.stem for p in INFRA.glob("*.py")}
    assert top == {"__init__", "errors", "launcher"}, sorted(top)


@pytest.mark.parametrize("package", LAYERS)
def test_sub_packages_import_only_the_layers_below(package):
    wrong = []
    for module, path in modules().items():
        if module.split(".")[0] != package or "." not in module:
            continue
        for imported in infra_imports(path):
            position = layer(imported)
            if position is not None and position > LAYERS.index(package):
                wrong.append(f"infra.{module} imports infra.{imported}")
            if imported == "launcher":
                wrong.append(f"infra.{module} imports the top-level dispatcher")
    assert not wrong, "imports must point down " + " < ".join(LAYERS) + ":\n" + "\n".join(wrong)


def test_infra_has_no_import_cycle():
    graph = {module: infra_imports(path) for module, path in modules().items()}
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        assert module not in path, f"import cycle: {' -> '.join([*path, module])}"
        if module not in done:
            for imported in sorted(graph.get(module, ())):
                if not imported.endswith("__init__"):
                    visit(imported, [*path, module])
            done.add(module)

    for module in sorted(graph):
        visit(module, [])
    assert len(graph) > 10, sorted(graph)


@pytest.mark.parametrize("module", sorted(modules()))
def test_modules_stay_small(module):
    lines = len(modules()[module].read_text().splitlines())
    path = f"infra/{module.replace('.', '/')}.py"
    assert lines <= MAX_LINES, f"{path}: {lines} lines, over {MAX_LINES}: split it by job"


@pytest.mark.parametrize("package", LAYERS)
def test_each_sub_package_docstring_maps_its_modules(package):
    doc = ast.get_docstring(ast.parse((INFRA / package / "__init__.py").read_text())) or ""
    missing = [
        p.stem
        for p in (INFRA / package).glob("*.py")
        if p.stem != "__init__" and f"``{p.stem}``" not in doc
    ]
    assert not missing, f"infra/{package}/__init__.py does not describe {missing}"
