"""Fixtures of the launcher's tests, which run on the fixture project (support/fixture_project)."""

from collections.abc import Callable

import pytest

from infra.settings.load import launcher_settings
from infra.settings.schema import LauncherConfig
from support.fixture_project import compose_config


@pytest.fixture(scope="session")
def settings_of() -> Callable[[str], LauncherConfig]:
    """The fixture project's launcher settings as a launch of the workflow ``name`` loads them."""

    def settings(name: str) -> LauncherConfig:
        return launcher_settings(compose_config(name, hydra=True))

    return settings
