"""Flyte tasks and workflows, each workflow with a Hydra entry point (``python <file>.py``)."""

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

# config_types: every schema type converts to a Flyte value; configs: stores the config schemas
from {{ cookiecutter.package_name }}.workflows import config_types, configs  # noqa: F401


def run(main: Callable[[], Any], namespace: dict[str, Any]) -> None:
    """Run a workflow file's Hydra ``main`` on the tasks and workflows of its importable module.

    ``python workflows/x.py`` runs the file as ``__main__``, and Flyte names (and caches) tasks
    after their module: run from ``__main__`` they would be other tasks than the ones the launcher
    and the cluster run. So the file's own names are replaced by those of ``<package>.workflows.x``
    before ``main`` (which Hydra needs from the file itself) starts.
    """
    module = importlib.import_module(f"{__name__}.{Path(namespace['__file__']).stem}")
    namespace.update(
        (name, value) for name, value in vars(module).items() if not name.startswith("__")
    )
    main()
