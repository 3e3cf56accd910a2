"""A user's own pipeline in a baked project: remove the example the way the generated README
says, then drop in a pipeline kept as test data in ``tests/pipelines/<name>/``.

A pipeline's files are written with the package name ``my_project`` (in paths and text); it
becomes the bake's package name when the pipeline is copied in.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from support.template import TEMPLATE_DIR

PIPELINES = Path(__file__).resolve().parents[1] / "pipelines"
PLACEHOLDER = "my_project"
# Each bake's example files, as the generated README's "Start your own pipeline" lists them
# (`<package>`: the package's folder).
EXAMPLE_FILES: dict[str, list[str]] = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())[
    "_example_files"
]


def package_of(project: Path) -> str:
    """The baked project's package name: the one folder of ``src/`` with an ``__init__.py``."""
    (package,) = [path.parent.name for path in (project / "src").glob("*/__init__.py")]
    return package


def remove_example(project: Path, example: str) -> list[str]:
    """Delete the bake's example files (``example``: the bake's answer) the way the generated
    README says; the paths deleted."""
    package = package_of(project)
    paths = []
    for entry in EXAMPLE_FILES[example]:
        paths += sorted(project.glob(entry.replace("<package>", package)))
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
