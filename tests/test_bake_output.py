"""What a bake prints: after a successful one, the next steps, and they work as printed.

Through the real command line (`cookiecutter --no-input <template>`), run from a shell's folder as
a user runs it; the printed `cd ... && make install && make run` is then run as printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from support.answers import VALID
from support.baking import cookiecutter_command

SLUG = VALID["project_slug"]


def bake_from(shell_dir: Path, output_dir: Path) -> subprocess.CompletedProcess[str]:
    """`cookiecutter --no-input --output-dir <output_dir> <template>` typed in ``shell_dir``."""
    shell_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PWD": str(shell_dir)}  # as the shell sets it
    return subprocess.run(
        cookiecutter_command(output_dir, "--no-input"),
        cwd=shell_dir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def next_steps(folder: str, project: Path) -> list[str]:
    return [
        f"Created {project}. Next:",
        f"  cd {folder} && make install && make run",
        "`make help` lists every target; README.md walks through them.",
    ]


def test_a_bake_in_the_current_folder_says_cd_into_it_and_what_to_run(tmp_path):
    result = bake_from(tmp_path, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == next_steps(SLUG, tmp_path / SLUG)


def test_a_bake_elsewhere_names_the_folder_in_full_quoted_for_the_shell(tmp_path):
    output = tmp_path / "my projects"
    result = bake_from(tmp_path / "shell", output)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == next_steps(f"'{output / SLUG}'", output / SLUG)


@pytest.mark.slow
def test_the_printed_next_steps_run_as_printed(tmp_path):
    result = bake_from(tmp_path, tmp_path)
    assert result.returncode == 0, result.stderr
    command = result.stdout.splitlines()[1].strip()
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLYTE_")}
    uv = shutil.which("uv")
    if uv:  # a moved HOME would move uv's cache: keep the user's (a cold one downloads it all)
        cache = subprocess.run([uv, "cache", "dir"], capture_output=True, text=True, check=True)
        env["UV_CACHE_DIR"] = cache.stdout.strip()
    (tmp_path / "home").mkdir()
    env |= {"HOME": str(tmp_path / "home"), "PWD": str(tmp_path)}
    run = subprocess.run(
        ["bash", "-c", command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert list((tmp_path / SLUG / "outputs").glob("*/*/.hydra/config.yaml")), run.stdout
