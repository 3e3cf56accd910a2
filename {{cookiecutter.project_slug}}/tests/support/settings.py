"""Launcher settings for tests that need some without composing a config."""

from typing import Any

from infra.settings.schema import ImageConfig, LauncherConfig

REPO = "registry.example.com/team/forecast"
LOCAL_REPO = "localhost:30000/forecast"


def settings_with(**changes: Any) -> LauncherConfig:
    """Launcher settings with one default image in ``REPO``; ``changes`` replace fields."""
    values: dict[str, Any] = {
        "_target_": "x",
        "project": "p",
        "images": {"default": ImageConfig(repository=REPO)},
        **changes,
    }
    return LauncherConfig(**values)
