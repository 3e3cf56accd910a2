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
from support.schedule import start_rank
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest modules first (support/schedule.py)."""
    items.sort(key=lambda item: start_rank(item.path.name))


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
