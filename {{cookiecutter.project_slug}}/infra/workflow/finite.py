"""Workflow inputs hold finite numbers only: a NaN or an infinity in a config (``model.l2=nan``)
is refused before any task runs, naming its key. Such a value compares unequal to itself, so it
never hits Flyte's cache, and JSON (the sweep summary, the reports) cannot hold it."""

import math
from collections.abc import Iterator, Mapping
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf

from infra.errors import LauncherError


def refuse_non_finite(inputs: Mapping[str, Any]) -> None:
    """Fail naming every number of ``inputs`` (bound workflow inputs) that is not finite."""
    found = [line for name, value in inputs.items() for line in non_finite(name, value)]
    if found:
        raise LauncherError("\n".join(found))


def non_finite(key: str, value: Any) -> Iterator[str]:
    """``key: must be a finite number (got nan)`` for each such number at or under ``key``."""
    if isinstance(value, DictConfig | ListConfig):
        value = OmegaConf.to_container(value, resolve=True)
    if isinstance(value, dict):
        for child, inner in value.items():
            yield from non_finite(f"{key}.{child}", inner)
    elif isinstance(value, list | tuple):
        for index, inner in enumerate(value):
            yield from non_finite(f"{key}[{index}]", inner)
    elif isinstance(value, float) and not math.isfinite(value):
        yield f"{key}: must be a finite number (got {value!r})"
