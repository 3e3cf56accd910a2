"""The tests keep their helpers of their own: test modules import from ``support/``, never from
conftest.py or from one another, and ``support/`` needs no test module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from support.schedule import LONGEST_FIRST

TESTS = Path(__file__).resolve().parent
TEST_MODULES = sorted(TESTS.glob("test_*.py"))
SUPPORT_MODULES = sorted((TESTS / "support").glob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """The top-level names of every module ``path`` imports (absolute imports)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def forbidden_modules() -> set[str]:
    """The test modules and conftest: what no test module and no helper may import."""
    return {path.stem for path in TEST_MODULES} | {"conftest"}


@pytest.mark.parametrize("path", TEST_MODULES + SUPPORT_MODULES, ids=lambda path: path.name)
def test_imports_no_test_module_and_not_conftest(path):
    assert imported_modules(path) & forbidden_modules() == set()


def test_the_modules_started_first_exist():
    assert sorted(set(LONGEST_FIRST) - {path.name for path in TEST_MODULES}) == []
