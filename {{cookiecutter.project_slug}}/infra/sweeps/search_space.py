"""A search space written in Hydra's override syntax, as Optuna distributions.

``hydra.sweeper.params`` maps a config key to a sweep: ``choice(a, b)`` (categorical),
``range(1, 5)`` (integers 1 to 4; a float step gives evenly spaced floats), ``interval(0.1, 1)``
(any number between; ``tag(int, interval(1, 9))`` for integers), with ``tag(log, ...)`` for a log
scale (tags combine: ``tag(int, log, interval(1, 1024))``). A plain
value is not searched: every trial gets it. Command-line sweeps (``model.degree=range(1,3)``) join
the space the same way.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import ChoiceSweep, IntervalSweep, Override, RangeSweep
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

from infra.errors import LauncherError


@dataclass
class SearchSpace:
    """The searched keys' distributions, and the overrides every trial gets as they are."""

    distributions: dict[str, BaseDistribution] = field(default_factory=dict)
    fixed: list[str] = field(default_factory=list)
    # A categorical key's values as Hydra overrides spell them (value -> text)
    spelled: dict[str, dict[Any, str]] = field(default_factory=dict)

    def overrides(self, params: dict[str, Any]) -> list[str]:
        """A trial's overrides: the fixed ones, then each searched key's sampled value."""
        sampled = [f"{key}={self._spell(key, value)}" for key, value in params.items()]
        return [*self.fixed, *sampled]

    def grid(self) -> dict[str, list[Any]]:
        """Every value of each key, for Optuna's GridSampler: choices and integer ranges only."""
        grid = {}
        for key, distribution in self.distributions.items():
            if isinstance(distribution, CategoricalDistribution):
                grid[key] = list(distribution.choices)
            elif isinstance(distribution, IntDistribution) and not distribution.log:
                step = distribution.step
                grid[key] = list(range(distribution.low, distribution.high + 1, step))
            else:
                raise LauncherError(
                    f"hydra.sweeper.params.{key}: the grid sampler needs choice(...) or an "
                    f"integer range(...), not a continuous {type(distribution).__name__}"
                )
        return grid

    def _spell(self, key: str, value: Any) -> str:
        return self.spelled.get(key, {}).get(value, str(value))


def search_space(params: dict[str, str], arguments: Sequence[str]) -> SearchSpace:
    """The space of ``hydra.sweeper.params`` and the command line's ``arguments``; the command
    line wins for a key both name."""
    texts = [f"{key}={value}" for key, value in params.items()] + list(arguments)
    parsed = OverridesParser.create().parse_overrides(texts)
    by_key = {override.get_key_element(): override for override in parsed}
    space = SearchSpace()
    for key, override in by_key.items():
        if override.is_sweep_override():
            space.distributions[key] = _distribution(key, override, space)
        else:
            space.fixed.append(override.input_line or f"{key}={override.value()}")
    if not space.distributions:
        raise LauncherError(
            "hydra.sweeper.params has nothing to search: give a key choice(...), range(...) or "
            "interval(...), in the search's config or on the command line"
        )
    return space


def _distribution(key: str, override: Override, space: SearchSpace) -> BaseDistribution:
    sweep = override.value()
    log = "log" in getattr(sweep, "tags", set())
    if isinstance(sweep, ChoiceSweep):
        values = [_plain(key, value) for value in sweep.list]
        space.spelled[key] = dict(zip(values, override.sweep_string_iterator(), strict=True))
        return CategoricalDistribution(values)
    if isinstance(sweep, RangeSweep):
        return _range(key, sweep, log)
    if isinstance(sweep, IntervalSweep):
        low, high = float(sweep.start or 0), float(sweep.end or 0)
        if "int" in sweep.tags:
            return IntDistribution(int(low), int(high), log=log)
        return FloatDistribution(low, high, log=log)
    raise LauncherError(f"hydra.sweeper.params.{key}: {override.input_line!r} is not searchable")


def _range(key: str, sweep: RangeSweep, log: bool) -> BaseDistribution:
    start, stop, step = sweep.start or 0, sweep.stop or 0, sweep.step or 1
    count = math.ceil((stop - start) / step)
    if count < 1:
        raise LauncherError(f"hydra.sweeper.params.{key}: range({start}, {stop}) is empty")
    last = start + (count - 1) * step
    if all(isinstance(number, int) for number in (start, stop, step)):
        return IntDistribution(int(start), int(last), step=1 if log else int(step), log=log)
    return FloatDistribution(float(start), float(last), step=float(step))


def _plain(key: str, value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise LauncherError(
        f"hydra.sweeper.params.{key}: choice values must be numbers, strings or flags, not "
        f"{value!r}"
    )
