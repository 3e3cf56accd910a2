"""Fixtures: an isolated HOME for every test, and a stand-in flyteadmin."""

import os

import pytest

from support.flyteadmin import serving


@pytest.fixture(scope="session", autouse=True)
def isolated_home(tmp_path_factory):
    """Every test, whatever its fixtures' scope, runs with HOME in a temporary folder, so Flyte's
    cache and config (``~/.flyte``) are the tests' own; in this process Flyte's cache is off
    (``support.tasks.task_cache`` turns it on) and no FLYTE_ setting of the user's applies."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        for name in [name for name in os.environ if name.startswith("FLYTE")]:
            patch.delenv(name)
        patch.setenv("HOME", str(home))
        patch.setenv("FLYTE_LOCAL_CACHE_ENABLED", "false")
        yield home


@pytest.fixture
def flyteadmin():
    """A stand-in flyteadmin on 127.0.0.1 recording requests (tests/support/flyteadmin.py)."""
    with serving() as admin:
        yield admin
