"""hatchling's build hook for the wheel and the sdist (``[tool.hatch.build.hooks.custom]``).

pyproject.toml's ``exclude`` leaves out the secret names; a glob cannot see what a file holds, so
this hook refuses to build when a file that would ship holds a private key
(infra/workflow/secret_files.py), naming it. It runs in the build backend's environment, where only
hatchling is installed: it loads infra/workflow/secret_files.py by its path.
"""

import importlib.util
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def _secret_files() -> Any:
    """infra/workflow/secret_files.py, loaded from beside this file."""
    spec = importlib.util.spec_from_file_location(
        "secret_files", Path(__file__).with_name("secret_files.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class SecretFilesHook(BuildHookInterface):
    """Refuse a build that would ship a private key."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        secret_files = _secret_files()
        found = sorted(
            included.relative_path
            for included in self.build_config.builder.recurse_included_files()
            if included.relative_path
            and secret_files.is_secret(Path(self.root), included.relative_path)
        )
        if found:
            raise ValueError(
                f"{self.target_name}: refusing to ship {', '.join(found)}: it holds a private key"
                " (infra/workflow/secret_files.py). Keep keys out of the project: a secret"
                " store, or a name the list ignores, e.g. *.key"
            )
