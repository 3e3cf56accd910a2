"""buildah with a private store in a temporary folder, for tests that build tiny images; the
test is skipped where buildah is missing or cannot build (no user namespaces, no storage)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def buildah_env(folder: Path) -> dict[str, str]:
    """The environment that points buildah at a vfs store in ``folder``, after a probe."""
    if shutil.which("buildah") is None:
        pytest.skip("buildah is not on PATH")
    config = folder / "storage.conf"
    config.write_text(
        f'[storage]\ndriver = "vfs"\ngraphroot = "{folder / "graph"}"\n'
        f'runroot = "{folder / "run"}"\n'
    )
    env = {**os.environ, "CONTAINERS_STORAGE_CONF": str(config), "BUILDAH_ISOLATION": "chroot"}
    probe = subprocess.run(
        ["buildah", "from", "--quiet", "scratch"], capture_output=True, text=True, env=env
    )
    if probe.returncode != 0:
        pytest.skip(f"buildah cannot build here: {probe.stderr.strip()}")
    subprocess.run(["buildah", "rm", probe.stdout.strip()], capture_output=True, env=env)
    return env


def build_to_folder(
    env: dict[str, str], dockerfile: Path, context: Path, out: Path, *options: str
) -> subprocess.CompletedProcess[str]:
    """``buildah build`` of ``dockerfile``, its final file system written to ``out``."""
    command = ["buildah", "build", "--file", str(dockerfile), *options]
    command += ["--output", f"type=local,dest={out}", str(context)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result
