"""Running a baked project's Makefile targets the way a user's shell does."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def make(project: Path, *targets: str, home: Path, succeed: bool = True, **variables: str) -> str:
    """``make targets VAR=value ...`` in ``project`` with HOME (so Flyte's cache) at ``home`` and
    no FLYTE_ setting of the caller's; the output. Fails the test with that output unless the run
    succeeds (or, with ``succeed=False``, fails)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLYTE_")}
    env["HOME"] = str(home)
    command = ["make", "--no-print-directory", "-C", str(project), *targets]
    command += [f"{key}={value}" for key, value in variables.items()]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900)
    output = result.stdout + result.stderr
    assert (result.returncode == 0) == succeed, output
    return output
