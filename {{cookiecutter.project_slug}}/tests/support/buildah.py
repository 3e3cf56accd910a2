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
    folder.mkdir(parents=True, exist_ok=True)
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
    env: dict[str, str], command: list[str], out: Path
) -> subprocess.CompletedProcess[str]:
    """Run a ``buildah build`` argument list (the context last), the image's final file system
    written to the folder ``out``."""
    *build, context = command
    result = subprocess.run(
        [*build, "--output", f"type=local,dest={out}", context],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def shell_root(folder: Path) -> Path:
    """A root file system in ``folder`` holding only this machine's ``/bin/sh`` and the shared
    libraries it loads: enough for a ``RUN`` step of an image built ``FROM scratch``."""
    if shutil.which("ldd") is None:
        pytest.skip("ldd is not on PATH: cannot copy a shell into a test image")
    shell = Path("/bin/sh").resolve()
    listing = subprocess.run(["ldd", str(shell)], capture_output=True, text=True, check=True)
    libraries = [Path(word) for word in listing.stdout.split() if word.startswith("/")]
    for path, target in [(shell, Path("/bin/sh")), *((lib, lib) for lib in libraries)]:
        copy = folder / target.relative_to("/")
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, copy)
    return folder
