"""How the template's tests bake, and which way each test uses.

In-process, with pytest-cookies (``cookies`` per test, ``cookies_session`` for a bake shared by
a module): every test that looks at what a bake produces, its files and their contents. Its
``cookies.bake(extra_context=...)`` calls the same ``cookiecutter()`` function as the command
line (``--no-input key=value`` becomes the same ``extra_context``), hooks included (cookiecutter
runs them as scripts either way), with a private config file and replay folder, so the user's
~/.cookiecutterrc and replays stay out; it is several times faster than a process per bake.
tests/test_bake.py checks that the command line bakes exactly the same files. Used by
test_bake, test_matrix, test_answers (free text, crafted answers, the answers file),
test_fuzz_answers, test_update (the bakes cruft's are compared with), test_baked_project,
test_recipes and test_image.

In a subprocess, ``python -m cookiecutter --no-input`` (run_cookiecutter, bake_with_cli): where
a test must see what a user's shell sees, the hook's messages on stderr and cookiecutter's exit
code (refused answers, derived names, a replay that bypasses the prompt), or where nothing may
be shared with the test process: every in-process bake reuses the ``local_extensions`` module
imported first, which is right for bakes of this one template, not for a test of a re-bake from
the command line (test_update's), nor for the check that the command line bakes like the API.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_cookies.plugin import Result

from support.template import bake_source


class BakeError(Exception):
    """cookiecutter failed; ``result.stderr`` holds the hook's messages."""

    def __init__(self, result: subprocess.CompletedProcess[str]) -> None:
        super().__init__(f"cookiecutter exited {result.returncode}:\n{result.stderr}")
        self.result = result


def baked(result: Result) -> Path:
    """The project folder of a pytest-cookies bake; fail the test if the bake failed.

    A refusal's messages are in the test's captured
    stderr (the hook is a process of its own), which pytest shows with the failure.
    """
    if result.exit_code != 0 or result.exception is not None:
        pytest.fail(f"the bake failed (exit code {result.exit_code}): {result.exception!r}")
    project: Path = result.project_path
    return project


def cookiecutter_command(output_dir: Path, *options: str) -> list[str]:
    """``python -m cookiecutter options`` of this template into ``output_dir``, with a private
    config file that keeps the user's ~/.cookiecutterrc and replay folder out of it."""
    output_dir.mkdir(parents=True, exist_ok=True)
    home = output_dir.parent / f".{output_dir.name}-cookiecutter-home"
    home.mkdir(exist_ok=True)
    config = home / "config.yaml"
    dirs = {"cookiecutters_dir": str(home / "cookiecutters"), "replay_dir": str(home / "replay")}
    config.write_text(json.dumps(dirs))  # JSON is YAML
    command = [sys.executable, "-m", "cookiecutter", *options, "--config-file", str(config)]
    return [*command, "--output-dir", str(output_dir), str(bake_source())]


def run(command: list[str], typed: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run a cookiecutter command; ``typed`` is what the user types at the prompts, if any."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        command,
        check=False,
        input=typed,
        stdin=None if typed is not None else subprocess.DEVNULL,
        capture_output=True,
        encoding="utf-8",
        env=env,
        timeout=600,
    )


def run_cookiecutter(output_dir: Path, **answers: object) -> subprocess.CompletedProcess[str]:
    """``cookiecutter --no-input <template> key=value...`` into ``output_dir``: the finished
    process, its stderr and exit code as a user's shell has them."""
    command = cookiecutter_command(output_dir, "--no-input")
    return run([*command, *(f"{key}={value}" for key, value in answers.items())])


def run_interactive(output_dir: Path, typed_lines: list[str]) -> subprocess.CompletedProcess[str]:
    """``cookiecutter <template>`` answering its prompts with ``typed_lines`` ('' keeps the
    default shown), one per question in cookiecutter.json's order."""
    return run(cookiecutter_command(output_dir), "".join(f"{line}\n" for line in typed_lines))


def run_replay(
    output_dir: Path, answers: dict[str, object], *options: str
) -> subprocess.CompletedProcess[str]:
    """``cookiecutter --replay-file`` with ``answers`` as the replayed ones: cookiecutter asks
    nothing and checks none of them (the hook does), as in a re-bake (docs/updating.md)."""
    replay = output_dir.parent / f".{output_dir.name}-replay.json"
    replay.write_text(json.dumps({"cookiecutter": answers}), "utf-8")
    return run(cookiecutter_command(output_dir, "--replay-file", str(replay), *options))


def bake_with_cli(tmp_path: Path, **answers: object) -> Path:
    """Bake with the command line into ``tmp_path / "baked"``; the project folder, or BakeError."""
    output_dir = tmp_path / "baked"
    result = run_cookiecutter(output_dir, **answers)
    if result.returncode != 0:
        raise BakeError(result)
    (project,) = output_dir.iterdir()
    return project
