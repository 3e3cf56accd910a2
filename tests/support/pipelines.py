"""A user's own pipeline in a baked project: remove the example the way the generated README
says, then drop in a pipeline kept as test data in ``tests/pipelines/<name>/``.

A pipeline's files are written with the package name ``my_project`` (in paths and text); it
becomes the bake's package name when the pipeline is copied in.
"""

from __future__ import annotations

import shutil
from pathlib import Path

PIPELINES = Path(__file__).resolve().parents[1] / "pipelines"
PLACEHOLDER = "my_project"
# The polynomial example's files, relative to the project (`{package}`: its package's folder).
# TODO(lead): once the `example` question exists, bake with `example=none` instead.
EXAMPLE_FILES = [
    "src/{package}/data.py",
    "src/{package}/metrics.py",
    "src/{package}/model.py",
    "src/{package}/plots.py",
    "src/{package}/workflows/single_task.py",
    "src/{package}/workflows/multi_task.py",
    "src/{package}/workflows/extra_inputs.py",
    "src/{package}/workflows/tasks.py",
    "src/{package}/workflows/reports.py",
    "conf/single_task.yaml",
    "conf/multi_task.yaml",
    "conf/extra_inputs.yaml",
    "conf/data",
    "conf/model",
    "conf/experiment",
    "conf/debug",
    "conf/hparams_search/polynomial_optuna.yaml",
]


def package_of(project: Path) -> str:
    """The baked project's package name: the one folder of ``src/`` with an ``__init__.py``."""
    (package,) = [path.parent.name for path in (project / "src").glob("*/__init__.py")]
    return package


def remove_example(project: Path) -> list[str]:
    """Delete the example's workflows, logic, configs and tests; the paths deleted."""
    package = package_of(project)
    paths = [project / entry.format(package=package) for entry in EXAMPLE_FILES]
    paths += sorted((project / "tests").glob("test_example_*.py"))
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return [str(path.relative_to(project)) for path in paths]


def add_pipeline(project: Path, name: str) -> list[str]:
    """Copy ``tests/pipelines/<name>/`` into the project (a file there replaces the project's
    of the same path); the project paths written."""
    package = package_of(project)
    source = PIPELINES / name
    written = []
    for path in sorted(source.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = str(path.relative_to(source)).replace(PLACEHOLDER, package)
            target = project / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(path.read_text().replace(PLACEHOLDER, package))
            written.append(relative)
    return written
