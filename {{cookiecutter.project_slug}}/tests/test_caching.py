"""Caching follows inputs and code: a re-run executes no cached task, a direct run and a launcher
run share cache entries, and a task's cache version changes with the code it runs."""

import importlib
import linecache
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import diskcache
import pytest
from flytekit.core.cache import VersionParameters
from flytekit.core.python_function_task import PythonFunctionTask

from {{ cookiecutter.package_name }}.workflows.caching import CodeHash

from infra.workflow.binding import bind_inputs
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
    # a new process: the cache key must not depend on anything of the first run's process
    launcher = ("-m", "hydra.launcher.mode=local")
    run_workflow_script(name, *launcher, cwd=tmp_path, home=tmp_path, process=True)
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


BATTERY = {
    "features": """
        import enum
        from dataclasses import dataclass


        class Scale(enum.Enum):
            linear = "linear"
            log = "log"


        @dataclass(frozen=True)
        class Window:
            size: int
            step: int


        FEATURES = ["age", "income"]
        WEIGHTS = {"age": 1.0, "income": 2.0}
        DROPPED = {"id", "name"}
        BOUNDS = (0, 100)
        WINDOW = Window(size=3, step=1)
        SCALE = Scale.linear
        SQUARES = [i * i for i in range(3)]
        OFFSET = 7
    """,
    "registry": """
        MARKER = object()  # its repr holds a memory address: not a value to hash
        LABEL = "v1"
    """,
    "model": """
        class Scaler:
            def __init__(self, factor):
                self.factor = factor

            def apply(self, x):
                return x * self.factor


        SCALER = Scaler(2.0)
    """,
    "lookup": """
        from flytekit import task

        from {{ cookiecutter.package_name }}.workflows.caching import CODE_CACHE

        SCALE = 2


        def unused():
            return 1


        @task(cache=CODE_CACHE)
        def by_name(name: str) -> int:
            return globals()[name] * SCALE
    """,
    "ordering": """
        from flytekit import dynamic, task

        from {{ cookiecutter.package_name }}.workflows.caching import CODE_CACHE


        @dynamic(cache=CODE_CACHE)
        def early(n: int) -> list[float]:
            return [late(n=i) for i in range(n)]


        @task(cache=CODE_CACHE)
        def uses_below(n: int) -> int:
            return _helper(n) + len(COLUMNS)


        @task(cache=CODE_CACHE)
        def late(n: int) -> float:
            return n * 1.5


        def _helper(n):
            return n + 1


        COLUMNS = ["a", "b"]
    """,
    "tasks": '''
        """Tasks of every kind the cache rule names."""

        import functools

        from flytekit import dynamic, map_task, task, workflow

        from codehash_battery import features, registry
        from codehash_battery.lookup import by_name
        from codehash_battery.ordering import early, late, uses_below
        from {{ cookiecutter.package_name }}.workflows.caching import CODE_CACHE
        from codehash_battery.features import (
            BOUNDS, DROPPED, FEATURES, SCALE, SQUARES, WEIGHTS, WINDOW,
        )
        from codehash_battery.model import SCALER, Scaler
        from codehash_battery.registry import MARKER


        @task(cache=CODE_CACHE)
        def select(n: int) -> int:
            return len(FEATURES) + n


        @task(cache=CODE_CACHE)
        def weigh(n: int) -> float:
            return sum(WEIGHTS.values()) * n


        @task(cache=CODE_CACHE)
        def drop(n: int) -> int:
            return len(DROPPED) + n


        @task(cache=CODE_CACHE)
        def clip(n: int) -> int:
            return min(max(n, BOUNDS[0]), BOUNDS[1])


        @task(cache=CODE_CACHE)
        def window(n: int) -> int:
            return WINDOW.size * n


        @task(cache=CODE_CACHE)
        def scale(n: int) -> str:
            return SCALE.value * n


        @task(cache=CODE_CACHE)
        def squares(n: int) -> int:
            return sum(SQUARES) + n


        @task(cache=CODE_CACHE)
        def offset(n: int) -> int:
            return features.OFFSET + n


        @task(cache=CODE_CACHE)
        def opaque(n: int) -> int:
            return n if MARKER else 0


        @task(cache=CODE_CACHE)
        def scaled(x: float) -> float:
            return SCALER.apply(x)


        @task(cache=CODE_CACHE)
        def fresh(x: float) -> float:
            return Scaler(3.0).apply(x)


        @task(cache=CODE_CACHE)
        def fold(k: int) -> float:
            """One fold of a cross-validation."""
            return float(k)


        @dynamic(cache=CODE_CACHE)
        def cross_validate(k: int) -> list[float]:
            return [fold(k=i) for i in range(k)]


        @workflow
        def one_fold(k: int) -> float:
            return fold(k=k)


        @dynamic(cache=CODE_CACHE)
        def nested(k: int) -> float:
            return one_fold(k=k)


        @task(cache=CODE_CACHE)
        def pick(name: str) -> str:
            return getattr(registry, name)


        @task(cache=CODE_CACHE)
        def seed_score(seed: int) -> float:
            return seed * 0.5


        @dynamic(cache=CODE_CACHE)
        def all_seeds(n: int) -> list[float]:
            return map_task(seed_score)(seed=list(range(n)))


        def add(x: int, offset: int) -> int:
            return x + offset


        ADD_ONE = functools.partial(add, offset=1)


        @task(cache=CODE_CACHE)
        def shifted(x: int) -> int:
            return ADD_ONE(x)
    ''',
}
# An edit of the battery, (module, old text, new text), and the tasks whose version it changes.
EDITS = {
    "a task called from a @dynamic, directly and through a sub-workflow": (
        "tasks",
        "return float(k)",
        "return float(k) * 2",
        {"fold", "cross_validate", "nested"},
    ),
    "a map_task target": ("tasks", "seed * 0.5", "seed * 0.25", {"seed_score", "all_seeds"}),
    "a partial target": ("tasks", "return x + offset", "return x - offset", {"shifted"}),
    "a partial's bound value": ("tasks", "offset=1)", "offset=2)", {"shifted"}),
    "a module-level list": ("features", '"income"]', '"income", "zip"]', {"select"}),
    "a module-level dict": ("features", '"income": 2.0}', '"income": 3.0}', {"weigh"}),
    "a module-level set": ("features", '{"id", "name"}', '{"id"}', {"drop"}),
    "a module-level tuple": ("features", "(0, 100)", "(0, 50)", {"clip"}),
    "a dataclass instance": ("features", "Window(size=3", "Window(size=4", {"window"}),
    "an enum member chosen": ("features", "SCALE = Scale.linear", "SCALE = Scale.log", {"scale"}),
    "an enum's values": ("features", 'linear = "linear"', 'linear = "lin"', {"scale"}),
    "a computed value": ("features", "range(3)", "range(4)", {"squares"}),
    "a value read through its module": ("features", "OFFSET = 7", "OFFSET = 8", {"offset"}),
    "a method used via an instance and via the class": (
        "model",
        "return x * self.factor",
        "return x * self.factor + 1",
        {"scaled", "fresh"},
    ),
    "an instance's state": ("model", "Scaler(2.0)", "Scaler(2.5)", {"scaled"}),
    "a value of unknown kind: its whole module counts": (
        "registry",
        "MARKER = object()",
        "MARKER = type('Marker', (), {})()",
        {"opaque", "pick"},
    ),
    "another line of that module": ("registry", '"v1"', '"v2"', {"opaque", "pick"}),
    "a module read with getattr: its whole source counts": (
        "registry",
        "MARKER = object()",
        "MARKER = object()\nOTHER = 1",
        {"opaque", "pick"},
    ),
    "a module read with globals(): its whole source counts": (
        "lookup",
        "return 1",
        "return 2",
        {"by_name"},
    ),
    "a task defined below the @dynamic that calls it": (
        "ordering",
        "n * 1.5",
        "n * 2.5",
        {"late", "early"},
    ),
    "a helper defined below its task": ("ordering", "n + 1", "n + 2", {"uses_below"}),
    "a value defined below its task": ("ordering", '["a", "b"]', '["a"]', {"uses_below"}),
    "a comment": ("features", "OFFSET = 7", "OFFSET = 7  # days", set()),
    "a docstring": ("tasks", "One fold of", "A single fold of", set()),
    "formatting": ("features", '["age", "income"]', '[\n    "age",\n    "income",\n]', set()),
}


@pytest.fixture
def battery(tmp_path, monkeypatch):
    """``versions(edit)``: write the package ``codehash_battery`` (BATTERY, with ``edit`` applied
    as ``(module, old, new)``), import it afresh, and return the cache version flytekit gave each
    task (``CODE_CACHE`` runs when the decorator does, before the rest of the module)."""
    package = tmp_path / "codehash_battery"
    package.mkdir()
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)

    def versions(edit: tuple[str, ...] = ()) -> dict[str, str]:
        for module, source in BATTERY.items():
            source = textwrap.dedent(source)
            if edit and edit[0] == module:
                assert edit[1] in source, edit
                source = source.replace(edit[1], edit[2])
            (package / f"{module}.py").write_text(source)
        for name in [name for name in sys.modules if name.partition(".")[0] == package.name]:
            del sys.modules[name]
        linecache.clearcache()
        importlib.invalidate_caches()
        tasks = importlib.import_module("codehash_battery.tasks")
        return {
            name: task.metadata.cache_version
            for name, task in vars(tasks).items()
            if isinstance(task, PythonFunctionTask)
        }

    return versions


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_an_edit_changes_the_versions_of_exactly_the_tasks_that_depend_on_it(battery, edit):
    *change, expected = edit
    before = battery()
    assert battery() == before, "the same code gave another version"
    after = battery(tuple(change))
    assert {name for name in before if after[name] != before[name]} == expected
