"""Caching follows inputs and code: a re-run executes no cached task, a direct run and a launcher
run share cache entries, and a task's cache version changes with the code it runs."""

import importlib
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import diskcache
import pytest
from flytekit.core.cache import VersionParameters

from {{ cookiecutter.package_name }}.workflows.caching import CodeHash

from infra.binding import bind_inputs
from support.project import (
    ROOT,
    WORKFLOW_NAMES,
    compose_config,
    project_tasks,
    tasks_of,
    workflow_of,
)
from support.scripts import run_workflow_script
from support.tasks import task_cache


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_a_second_run_executes_no_cached_task(name, tmp_path):
    workflow = workflow_of(name)
    inputs = bind_inputs(workflow, compose_config(name, hydra=True), {})
    with task_cache(tmp_path) as first:
        workflow(**inputs)
    with task_cache(tmp_path) as second:
        workflow(**inputs)
    tasks = project_tasks()
    assert first, f"{name} ran no task"
    assert set(first) <= set(tasks), "a task ran that discovery does not know"
    # tasks a @dynamic calls and the branch a conditional takes are known only once they run
    assert sorted(second) == sorted(task for task in first if not tasks[task].metadata.cache)


@pytest.mark.slow
@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_a_direct_run_and_a_launcher_run_share_cache_entries(name, tmp_path):
    cache = tmp_path / ".flyte" / "local-cache"
    run_workflow_script(name, cwd=tmp_path, home=tmp_path)
    entries = len(diskcache.Cache(cache))
    assert (entries > 0) == any(task.metadata.cache for task in tasks_of(name))
    run_workflow_script(name, "-m", "hydra.launcher.mode=local", cwd=tmp_path, home=tmp_path)
    assert len(diskcache.Cache(cache)) == entries, "the launcher's run made entries of its own"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_clear_cache_empties_flytes_local_cache(tmp_path):
    name = next(name for name in WORKFLOW_NAMES if any(t.metadata.cache for t in tasks_of(name)))
    cache = tmp_path / ".flyte" / "local-cache"
    run_workflow_script(name, cwd=tmp_path, home=tmp_path)
    assert len(diskcache.Cache(cache)) > 0
    command = ["make", "--no-print-directory", "clear-cache", f"BIN={Path(sys.executable).parent}"]
    env = {**os.environ, "HOME": str(tmp_path)}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(diskcache.Cache(cache)) == 0


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_every_cached_task_has_a_version(name):
    for task in tasks_of(name):
        assert not task.metadata.cache or task.metadata.cache_version, task.name


@pytest.fixture
def module_file(tmp_path, monkeypatch):
    """Write and import a module of a package ``codehash_probe``: ``write(source)`` returns the
    CodeHash version of its ``task`` function."""
    package = tmp_path / "codehash_probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))

    def write(source: str) -> str:
        (package / "tasks.py").write_text(textwrap.dedent(source))
        for name in [name for name in sys.modules if name.startswith("codehash_probe")]:
            del sys.modules[name]
        importlib.invalidate_caches()
        module = importlib.import_module("codehash_probe.tasks")
        return CodeHash().get_version("", VersionParameters(func=module.task))

    return write


BASE = '''
from dataclasses import dataclass

LIMIT = 3


@dataclass
class Result:
    value: float


def helper(x):
    return x + 1


def task(x: float) -> Result:
    """Docstring."""
    return Result(helper(x) * LIMIT)
'''


def test_the_version_follows_the_task_the_code_it_calls_and_the_types_it_returns(module_file):
    base = module_file(BASE)
    assert module_file(BASE) == base
    changes = {
        "body": BASE.replace("helper(x) * LIMIT", "helper(x) * LIMIT * 2"),
        "signature": BASE.replace("def task(x: float)", "def task(x: int)"),
        "helper": BASE.replace("return x + 1", "return x + 2"),
        "returned type": BASE.replace("value: float", "value: float\n    note: str = ''"),
        "constant": BASE.replace("LIMIT = 3", "LIMIT = 4"),
    }
    for change, source in changes.items():
        assert module_file(source) != base, change


def test_comments_docstrings_and_formatting_do_not_change_the_version(module_file):
    base = module_file(BASE)
    same = BASE.replace('"""Docstring."""', '"""Another docstring."""  # a comment')
    same = same.replace(
        "return Result(helper(x) * LIMIT)", "return Result(\n        helper(x) * LIMIT\n    )"
    )
    assert module_file(same) == base
    assert (
        module_file(BASE.replace("def helper", "def unused():\n    pass\n\n\ndef helper")) == base
    )
