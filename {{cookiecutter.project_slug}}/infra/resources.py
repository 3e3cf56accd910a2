"""Task resources checked by the rules flyteadmin applies when a task is registered
(flyteadmin/pkg/manager/impl/validation/task_validator.go), so a bad value fails here, offline.

* every value is a Kubernetes quantity: a number with an optional suffix, ``500m``, ``2``,
  ``1.5``, ``4Gi``, ``512Mi``, ``10G``, ``1e3``;
* a GPU count is whole, and its request equals its limit when both are set;
* a cpu, memory or ephemeral storage request is at most its limit.

Two rules are Kubernetes' rather than flyteadmin's, whose pods would fail to start: no value is
negative, and request and limit are compared exactly (flyteadmin rounds both up to whole units).
A cluster's own limits (flyteadmin's ``task_resources.limits``, unset by default) are not known
here; flyteadmin still checks them.
"""

import re
from collections.abc import Mapping
from decimal import Decimal

from infra.errors import LauncherError

# The resources flyteadmin checks, by the names hydra.launcher.tasks.<task>.requests uses.
RESOURCES = ("cpu", "memory", "gpu", "ephemeral_storage")
QUANTITY = re.compile(
    r"(?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+))"
    r"(?:(?P<exponent>[eE][+-]?\d+)|(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E))?"
)
BINARY = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
DECIMAL = {"m": -3, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}

# One resource's value and where it was set, e.g. ("hydra.launcher.tasks.train.limits.gpu", "1").
Setting = tuple[str, str]


def parse_quantity(text: str) -> Decimal:
    """The value of a Kubernetes quantity (``"1.5Gi"``, ``"250m"``); ValueError if it is none."""
    match = QUANTITY.fullmatch(text)
    if match is None:
        raise ValueError(f"not a Kubernetes quantity: {text!r}")
    number = Decimal(match["number"])
    if match["exponent"]:
        return number.scaleb(int(match["exponent"][1:]))
    suffix = match["suffix"] or ""
    if suffix in BINARY:
        return number * 1024 ** BINARY[suffix]
    return number.scaleb(DECIMAL.get(suffix, 0))


def check_resources(
    task: str, requests: Mapping[str, Setting], limits: Mapping[str, Setting]
) -> None:
    """Raise LauncherError naming ``task``, the setting, its value and the rule it breaks."""
    values = {
        side: {name: _quantity(task, name, setting) for name, setting in settings.items()}
        for side, settings in (("requests", requests), ("limits", limits))
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


def _quantity(task: str, name: str, setting: Setting) -> Decimal:
    """One setting's value, checked on its own."""
    where, text = setting
    try:
        value = parse_quantity(text)
    except ValueError:
        raise LauncherError(
            f"task {task}: {where}={text!r} is not a Kubernetes quantity: write a number with an "
            "optional suffix, e.g. 500m, 2, 1.5, 4Gi, 512Mi, 10G"
        ) from None
    if value < 0:
        raise LauncherError(f"task {task}: {where}={text!r} is negative: a resource is 0 or more")
    if name == "gpu" and value % 1:
        raise LauncherError(f"task {task}: {where}={text!r}: a GPU count must be a whole number")
    return value
