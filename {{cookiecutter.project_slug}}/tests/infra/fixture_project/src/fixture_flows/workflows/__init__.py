"""Fixture workflows, each with a Hydra entry point and a primary config in ../../../conf."""

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fixture_flows.workflows import configs  # noqa: F401  (stores the config schemas)


def run(main: Callable[[], Any], namespace: dict[str, Any]) -> None:
    """Run a workflow file's Hydra ``main`` on the tasks of its importable module, so a task
    has the same name whether the file runs as ``__main__`` or is imported by the launcher."""
    module = importlib.import_module(f"{__name__}.{Path(namespace['__file__']).stem}")
    namespace.update(
        (name, value) for name, value in vars(module).items() if not name.startswith("__")
    )
    main()
