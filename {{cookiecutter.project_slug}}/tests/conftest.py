"""Fixtures: an isolated HOME for every test, a stand-in flyteadmin, stand-in tools, a small
config. Helpers that are not fixtures live in tests/support/."""

import os
from collections.abc import Callable

import pytest
from omegaconf import DictConfig, OmegaConf

from infra.settings.load import launcher_settings
from infra.settings.schema import LauncherConfig
from support.flyteadmin import serving
from support.tools import Tools


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


@pytest.fixture
def tools(tmp_path, monkeypatch) -> Tools:
    """A PATH holding only the stand-in tools that a test adds with ``tools.add(name, ...)``;
    every call of a stand-in is recorded in ``tools.calls`` as its argument list."""
    return Tools(tmp_path, monkeypatch)


@pytest.fixture
def small_config() -> DictConfig:
    """A job config of two small sub-configs, for tests of the launcher's parts."""
    return OmegaConf.create({"model": {"degree": 1, "l2": 0.0}, "query": "0.5"})


@pytest.fixture(scope="session")
def settings_of() -> Callable[[str], LauncherConfig]:
    """The project's launcher settings as a launch of the workflow ``name`` loads them."""

    def settings(name: str) -> LauncherConfig:
        from support.project import compose_config

        return launcher_settings(compose_config(name, hydra=True))

    return settings
