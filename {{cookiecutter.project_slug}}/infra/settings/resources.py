"""Task resources checked by the rules flyteadmin applies when a task is registered
(flyteadmin/pkg/manager/impl/validation/task_validator.go), so a bad value fails here, offline.

* every value is a Kubernetes quantity: a number with an optional suffix, ``500m``, ``2``,
  ``1.5``, ``4Gi``, ``512Mi``, ``10G``, ``1e3``;
* a GPU count is whole, and its request equals its limit when both are set;
* a cpu, memory or ephemeral storage request is at most its limit.

Some rules are Kubernetes' rather than flyteadmin's, whose pods would fail to start: no value is
negative or more than a quantity can hold (infra/settings/rules.py), no limit is 0, and request and
limit are compared exactly (flyteadmin rounds both up to whole units).
A cluster's own limits (flyteadmin's ``task_resources.limits``, unset by default) are not known
here; flyteadmin still checks them.
"""

from collections.abc import Callable, Mapping
from decimal import Decimal

from infra.errors import LauncherError
from infra.settings.rules import check_limit, check_quantity, parse_quantity

__all__ = ["RESOURCES", "Setting", "check_resources", "parse_quantity"]

# The resources flyteadmin checks, by the names hydra.launcher.tasks.<task>.requests uses.
RESOURCES = ("cpu", "memory", "gpu", "ephemeral_storage")
# One resource's value and where it was set, e.g. ("hydra.launcher.tasks.train.limits.gpu", "1").
Setting = tuple[str, str]


def check_resources(
    task: str, requests: Mapping[str, Setting], limits: Mapping[str, Setting]
) -> None:
    """Raise LauncherError naming ``task``, the setting, its value and the rule it breaks."""
    values = {
        side: {name: _quantity(task, name, setting, rule) for name, setting in settings.items()}
        for side, settings, rule in (
            ("requests", requests, check_quantity),
            ("limits", limits, check_limit),
        )
    }
    for name in sorted(set(requests) & set(limits)):
        (request_at, request), (limit_at, limit) = requests[name], limits[name]
        if name == "gpu" and values["requests"][name] != values["limits"][name]:
            raise LauncherError(
                f"task {task}: {request_at}={request!r} but {limit_at}={limit!r}: a GPU request "
                "must equal its limit when both are set"
            )
        if values["requests"][name] > values["limits"][name]:
            raise LauncherError(
                f"task {task}: {request_at}={request!r} is more than {limit_at}={limit!r}: a "
                "request must not exceed its limit"
            )


def _quantity(task: str, name: str, setting: Setting, rule: Callable[[str], str | None]) -> Decimal:
    """One setting's value, checked on its own by ``rule`` (infra/settings/rules.py)."""
    where, text = setting
    problem = rule(text)
    if problem is not None:
        raise LauncherError(f"task {task}: {where}={text!r}: {problem}")
    value = parse_quantity(text)
    if name == "gpu" and value % 1:
        raise LauncherError(f"task {task}: {where}={text!r}: a GPU count must be a whole number")
    return value
