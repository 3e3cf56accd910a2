"""Bake helpers shared by the template's tests.

Baking runs ``python -m cookiecutter --no-input`` in a subprocess, exactly as a user would:
hooks, exit code and stderr are the real ones, and no state (imported extensions,
~/.cookiecutterrc, replay files) leaks between bakes.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import settings

# No per-example deadline: bakes and renderings are slow on a busy 2-core CI machine, and a timing
# failure says nothing about the code. In CI the examples are fixed, so a red run can be re-run.
settings.register_profile("template", deadline=None, derandomize=bool(os.environ.get("CI")))
settings.load_profile("template")

TEMPLATE_DIR = Path(__file__).resolve().parents[1]
# Jinja left in a baked file: `{{`, `{%` or `{#` (GitHub Actions' `${{ }}` and the shell's `${#x}`
# are fine), or a `cookiecutter.` variable (the `.cookiecutter.json` file name is fine).
TEMPLATE_MARKUP = re.compile(r"(?<!\$)\{[{#]|\{%|\bcookiecutter\.(?!json\b)")
# A git identity for commits made by tests (CI machines have none), and no user or system git
# config (a commit.gpgsign there would stop every test commit).
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "tests@example.com",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "tests@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}
# Outcomes of the property-based bakes (tests/test_fuzz_answers.py), reported at the end.
FUZZ_OUTCOMES: Counter[str] = Counter()


class BakeError(Exception):
    """cookiecutter failed; ``result.stderr`` holds the hook's messages."""

    def __init__(self, result: subprocess.CompletedProcess[str]) -> None:
        super().__init__(f"cookiecutter exited {result.returncode}:\n{result.stderr}")
        self.result = result


def run_cookiecutter(output_dir: Path, **answers: object) -> subprocess.CompletedProcess[str]:
    """Bake TEMPLATE_DIR into ``output_dir`` with ``answers``; return the finished process.

    A private config file keeps the user's ~/.cookiecutterrc and replay folder out of it.
    """
    output_dir.mkdir(parents=True, exist_ok=True)
    home = output_dir.parent / f".{output_dir.name}-cookiecutter-home"
    home.mkdir(exist_ok=True)
    config = home / "config.yaml"
    dirs = {"cookiecutters_dir": str(home / "cookiecutters"), "replay_dir": str(home / "replay")}
    config.write_text(json.dumps(dirs))  # JSON is YAML
    command = [sys.executable, "-m", "cookiecutter", "--no-input", "--config-file", str(config)]
    command += ["--output-dir", str(output_dir), str(TEMPLATE_DIR)]
    command += [f"{key}={value}" for key, value in answers.items()]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        command, check=False, capture_output=True, encoding="utf-8", env=env, timeout=600
    )


def bake(tmp_path: Path, **answers: object) -> Path:
    """Bake into ``tmp_path / "baked"`` and return the project folder; raise BakeError."""
    output_dir = tmp_path / "baked"
    result = run_cookiecutter(output_dir, **answers)
    if result.returncode != 0:
        raise BakeError(result)
    (project,) = output_dir.iterdir()
    return project


def leftover_markup(text: str) -> list[str]:
    """The template markup left in a baked file's text, if any."""
    return TEMPLATE_MARKUP.findall(text)


def pytest_sessionfinish(session) -> None:
    """Under pytest-xdist, hand this worker's fuzz counts to the controller."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["fuzz_outcomes"] = dict(FUZZ_OUTCOMES)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """Under pytest-xdist, add up the workers' fuzz counts (see pytest_sessionfinish)."""
    FUZZ_OUTCOMES.update(getattr(node, "workeroutput", {}).get("fuzz_outcomes", {}))


def pytest_terminal_summary(terminalreporter) -> None:
    """Say how many answer sets the property-based test baked, whatever the output capture."""
    if FUZZ_OUTCOMES:
        total = FUZZ_OUTCOMES["accepted"] + FUZZ_OUTCOMES["refused"]
        accepted, refused = FUZZ_OUTCOMES["accepted"], FUZZ_OUTCOMES["refused"]
        terminalreporter.write_line(
            f"fuzzed answers: {total} bakes ({accepted} accepted, {refused} refused)"
        )
        by_rule = sorted((key.split()[1], n) for key, n in FUZZ_OUTCOMES.items() if " " in key)
        if by_rule:
            rules = ", ".join(f"{key} {n}" for key, n in by_rule)
            terminalreporter.write_line(f"fuzzed answers refused by rule of: {rules}")


@functools.cache
def pre_gen():
    """The pre-gen hook as a module (it reads the answers only when run as a script): its
    ``CHECKS`` and ``validate``."""
    spec = importlib.util.spec_from_file_location(
        "pre_gen", TEMPLATE_DIR / "hooks/pre_gen_project.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
