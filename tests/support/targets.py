"""Running a baked project's Makefile targets the way a user's shell does."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path


@functools.cache
def uv_cache_dir() -> str | None:
    """The uv cache of the user running the tests: a moved HOME would leave it behind (and a cold
    cache downloads every package again), so the environments below keep it."""
    uv = shutil.which("uv") or shutil.which("uv", path=str(Path(sys.executable).parent))
    if uv is None:
        return None
    result = subprocess.run([uv, "cache", "dir"], capture_output=True, text=True, check=False)
    return result.stdout.strip() or None


def user_env(home: Path) -> dict[str, str]:
    """The caller's environment with HOME (so Flyte's local cache) at ``home``, its uv cache kept
    and no FLYTE_ setting; nothing names an interpreter."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLYTE_")}
    cache = uv_cache_dir()
    if cache and "UV_CACHE_DIR" not in env:
        env["UV_CACHE_DIR"] = cache
    return env | {"HOME": str(home)}


def make(project: Path, *targets: str, home: Path, succeed: bool = True, **variables: str) -> str:
    """``make targets VAR=value ...`` in ``project`` in :func:`user_env`; the output. Fails the
    test with that output unless the run succeeds (or, with ``succeed=False``, fails). The limit
    fits the project's whole ``make test`` on 2 busy cores (10 minutes idle)."""
    command = ["make", "--no-print-directory", "-C", str(project), *targets]
    command += [f"{key}={value}" for key, value in variables.items()]
    env = user_env(home)
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
    output = result.stdout + result.stderr
    assert (result.returncode == 0) == succeed, output
    return output
