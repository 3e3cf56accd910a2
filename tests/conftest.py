"""Fixtures and pytest hooks of the template's tests; the helpers are in ``support/``.

The bake fixtures are pytest-cookies' own (``cookies``, ``cookies_session``): see
support/baking.py for which tests bake with them and which ones run cookiecutter's command line.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from support.fuzz_outcomes import FUZZ_OUTCOMES, summary_lines
from support.template import TEMPLATE_DIR, bake_source

# No per-example deadline: bakes and renderings are slow on a busy 2-core CI machine, and a timing
# failure says nothing about the code. In CI the examples are fixed, so a red run can be re-run.
settings.register_profile("template", deadline=None, derandomize=bool(os.environ.get("CI")))
settings.load_profile("template")


def pytest_configure(config: pytest.Config) -> None:
    """pytest-cookies bakes ``--template``, by default the working directory: make it a copy of
    this template's files (support.template.bake_source) wherever pytest runs from. Another
    template is refused: these tests are this one's."""
    args = config.invocation_params.args
    given = any(str(arg).split("=", 1)[0] == "--template" for arg in args)
    if given and Path(config.option.template).resolve() != TEMPLATE_DIR:
        template = config.option.template
        raise pytest.UsageError(f"these tests test {TEMPLATE_DIR}, not --template {template}")
    config.option.template = str(bake_source())


# The modules that take longest, longest first (minutes each on 2 cores: they install bakes and
# run their suites, or build an image). `make test` hands out whole files to pytest-xdist's
# workers in collection order (`--dist loadfile --no-loadscope-reorder`: a module's bake or
# image is made once), so these start first and the many short modules fill in the end.
LONGEST_FIRST = [
    "test_real_pipeline.py",
    "test_launcher_fixtures.py",
    "test_start_your_own.py",
    "test_recipes.py",
    "test_image.py",
    "test_baked_project.py",
    "test_fuzz_answers.py",
    "test_matrix.py",
    "test_benchmarks.py",
    "test_shared_rules.py",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the modules of LONGEST_FIRST first, in its order; the others keep theirs."""
    rank = {name: index for index, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under pytest-xdist, hand this worker's fuzz counts to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["fuzz_outcomes"] = dict(FUZZ_OUTCOMES)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """Under pytest-xdist, add up the workers' fuzz counts (see pytest_sessionfinish)."""
    FUZZ_OUTCOMES.update(getattr(node, "workeroutput", {}).get("fuzz_outcomes", {}))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many answer sets the property-based test baked, whatever the output capture."""
    for line in summary_lines(FUZZ_OUTCOMES):
        terminalreporter.write_line(line)
