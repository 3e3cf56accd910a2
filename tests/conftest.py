"""Bake helpers shared by the template's tests.

Baking runs ``python -m cookiecutter --no-input`` in a subprocess, exactly as a user would:
hooks, exit code and stderr are the real ones, and no state (imported extensions,
~/.cookiecutterrc, replay files) leaks between bakes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parents[1]


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
