"""A module-level value as text that changes exactly when the value does (see caching.py)."""

import dataclasses
import datetime
import decimal
import enum
import logging
import re
from pathlib import PurePath
from typing import Any, Protocol

# Kinds whose repr is their whole value, the same in every process.
EXACT = (type(None), bool, int, float, complex, str, bytes, range, PurePath, decimal.Decimal)
EXACT_TOO = (datetime.date, datetime.time, datetime.timedelta, re.Pattern)
DEPTH = 20


class Follower(Protocol):
    """What a value's text needs of the walk (code_reach.Reach)."""

    def follow(self, obj: Any) -> bool: ...

    def mine(self, obj: Any) -> bool: ...


def fingerprint(value: Any, reach: Follower, depth: int = 0) -> str | None:
    """The value as text, the classes and functions inside it followed as code; ``None`` for a
    value of a kind this cannot see into (the caller then takes in its whole module)."""
    if depth > DEPTH:
        return None
    if isinstance(value, EXACT + EXACT_TOO) and not isinstance(value, enum.Enum):
        return repr(value)
    if isinstance(value, logging.Logger):
        return f"logging.getLogger({value.name!r})"
    if reach.follow(value):
        return f"<code {getattr(value, '__qualname__', type(value).__qualname__)}>"
    kind = type(value)
    if reach.mine(kind):
        reach.follow(kind)
    name = f"{kind.__module__}.{kind.__qualname__}"
    if isinstance(value, enum.Enum):
        return f"{name}.{value.name}"
    if isinstance(value, list | tuple):
        items = [fingerprint(item, reach, depth + 1) for item in value]
        return None if None in items else f"{name}({', '.join(items)})"  # type: ignore[arg-type]
    if isinstance(value, set | frozenset):
        items = [fingerprint(item, reach, depth + 1) for item in value]
        return None if None in items else f"{name}({', '.join(sorted(items))})"  # type: ignore[arg-type]
    if isinstance(value, dict):
        pairs = [
            (fingerprint(k, reach, depth + 1), fingerprint(v, reach, depth + 1))
            for k, v in value.items()
        ]
        return None if any(None in pair for pair in pairs) else f"{name}({pairs})"
    state = _state(value) if dataclasses.is_dataclass(value) or reach.mine(kind) else None
    text = None if state is None else fingerprint(state, reach, depth + 1)
    return None if text is None else f"{name}{text}"
    return None


def _state(value: Any) -> dict[str, Any] | None:
    """An instance's attributes, or ``None`` if it keeps them where this cannot see."""
    if hasattr(value, "__dict__"):
        return dict(vars(value))
    slots = [slot for cls in type(value).__mro__ for slot in getattr(cls, "__slots__", ())]
    return {slot: getattr(value, slot) for slot in slots if hasattr(value, slot)} if slots else None
