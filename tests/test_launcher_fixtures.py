"""Slow: the baked project's launcher tests (tests/infra/) run on a fixture project of their own,
so they pass unchanged once a user has deleted the example's code and configs, and they leave
nothing behind in the project's tree."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pytest_cookies.plugin import Cookies

from support.baking import baked
from support.git import GIT_ENV
from support.targets import make

pytestmark = pytest.mark.slow


def git(project: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=project, env=os.environ | GIT_ENV, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_launcher_tests_pass_with_src_and_conf_deleted(
    cookies: Cookies, tmp_path: Path
) -> None:
    project = baked(cookies.bake())
    home = tmp_path / "home"
    home.mkdir()
    make(project, "install", home=home)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "baked")
    (package,) = [path.parent for path in (project / "src").glob("*/__init__.py")]
    for entry in package.iterdir():  # the user's whole pipeline, gone
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    shutil.rmtree(project / "conf")
    deleted = git(project, "status", "--porcelain", "--untracked-files=all")
    output = make(project, "test", home=home, PYTEST_ARGS="tests/infra -p no:cacheprovider")
    assert " passed" in output and " failed" not in output and " error" not in output, output
    # The run wrote nothing into the project: its status is the user's deletions alone.
    assert git(project, "status", "--porcelain", "--untracked-files=all") == deleted
