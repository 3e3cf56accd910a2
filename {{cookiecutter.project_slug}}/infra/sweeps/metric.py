"""A workflow's outputs as numbers: the metric a job returns to Hydra's sweeper
(``hydra.launcher.optimized_metric``) and the scalar values a sweep summary shows.

A metric is a dotted path into the outputs: an output, then fields of a dataclass or NamedTuple
output. The output is named by its name (``o0`` for a workflow's one unnamed output) or by its
type's name, so ``Scores.r2`` and ``o0.r2`` are the same number of a workflow returning ``Scores``.
"""

import dataclasses
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from flytekit.core.workflow import WorkflowBase
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile

from infra.errors import LauncherError
from infra.settings.schema import LauncherConfig, Mode

NUMBERS = (int, float)
SCALARS = (bool, int, float, str)


@dataclass(frozen=True)
class Metric:
    """A number among a workflow's outputs: the output's name and the fields below it."""

    path: str  # as the setting spells it
    output: str
    fields: tuple[str, ...]

    def of(self, outputs: Mapping[str, Any]) -> float:
        """The metric's value in ``outputs`` (output name to value)."""
        value = outputs[self.output]
        for name in self.fields:
            value = _field(value, name)
        return float(value)


@dataclass(frozen=True)
class Metrics:
    """Several numbers among the outputs, in order: a multi-objective search's objectives."""

    metrics: tuple[Metric, ...]

    def of(self, outputs: Mapping[str, Any]) -> list[float]:
        """Each metric's value in ``outputs``."""
        return [metric.of(outputs) for metric in self.metrics]


def check_metric_possible(settings: LauncherConfig) -> None:
    """Refuse a metric in a mode that brings no outputs back: package, or remote without wait."""
    if settings.optimized_metric is None:
        return
    setting = f"hydra.launcher.optimized_metric={settings.optimized_metric!r}"
    if settings.mode is Mode.package:
        raise LauncherError(f"{setting} needs each job's outputs: mode=package runs nothing")
    if settings.mode is Mode.remote and not (settings.run and settings.wait):
        raise LauncherError(
            f"{setting} needs each execution's outputs: set hydra.launcher.wait=true "
            f"(now run={str(settings.run).lower()}, wait={str(settings.wait).lower()})"
        )


def optimized_metric(workflow: WorkflowBase, settings: LauncherConfig) -> Metric | Metrics | None:
    """The workflow's output named by ``hydra.launcher.optimized_metric`` (several for a list of
    names); an error unless each is a number the workflow returns."""
    path = settings.optimized_metric
    if path is None:
        return None
    if isinstance(path, str):
        return _metric(workflow, path)
    return Metrics(tuple(_metric(workflow, str(one)) for one in path))


def _metric(workflow: WorkflowBase, path: str) -> Metric:
    first, *fields = path.split(".")
    outputs = workflow.python_interface.outputs
    paths = list(number_paths(workflow))
    by_name = {name_path for _, name_path in paths}  # a type's name may repeat (two floats)
    # what the message lists: by type name (``Scores.r2``), a plain number by output name (``o0``)
    known = sorted({n if t.split(".")[0] in ("int", "float") else t for t, n in paths})
    for name, python_type in outputs.items():
        if first in (name, getattr(python_type, "__name__", None)):
            metric = Metric(path, name, tuple(fields))
            if ".".join((name, *fields)) in by_name:
                return metric
    raise LauncherError(
        f"hydra.launcher.optimized_metric={path!r} is not a number {workflow.name} returns; "
        f"it returns {known or 'no numbers'}"
    )


def number_paths(workflow: WorkflowBase) -> Iterator[tuple[str, str]]:
    """Every number among the workflow's outputs: (path by type name, path by output name)."""
    for name, python_type in workflow.python_interface.outputs.items():
        prefix = getattr(python_type, "__name__", name)
        for fields, leaf in _leaves(python_type):
            if leaf in NUMBERS:
                yield ".".join((prefix, *fields)), ".".join((name, *fields))


def scalars(outputs: Mapping[str, Any]) -> dict[str, Any]:
    """The plain values (numbers, flags, short texts) among ``outputs``, by dotted path; a
    single output's name is left out (``r2``, not ``o0.r2``)."""
    values: dict[str, Any] = {}
    for name, value in outputs.items():
        prefix = () if len(outputs) == 1 else (name,)
        values.update((path or name, item) for path, item in _flattened(value, prefix))
    return values


def outputs_by_name(workflow: WorkflowBase, result: Any) -> dict[str, Any]:
    """A local workflow call's result as output name to value."""
    names = list(workflow.python_interface.outputs)
    if len(names) == 1:
        return {names[0]: result}
    return dict(zip(names, result or (), strict=True))


def _leaves(
    python_type: Any, fields: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Any]]:
    """The field paths below a dataclass or NamedTuple type, with the leaves' types."""
    hints = _field_types(python_type)
    if hints is None:
        yield fields, python_type
        return
    for name, field_type in hints.items():
        yield from _leaves(field_type, (*fields, name))


def _field_types(python_type: Any) -> dict[str, Any] | None:
    if dataclasses.is_dataclass(python_type) or hasattr(python_type, "_fields"):
        return typing.get_type_hints(python_type)
    return None


def _flattened(value: Any, prefix: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    if isinstance(value, FlyteFile | FlyteDirectory):
        return  # not a value to compare: the summary lists files on their own
    if isinstance(value, SCALARS):
        if not isinstance(value, str) or len(value) <= 40:
            yield ".".join(prefix), value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _flattened(getattr(value, field.name), (*prefix, field.name))
    elif hasattr(value, "_asdict"):
        for name, item in value._asdict().items():
            yield from _flattened(item, (*prefix, name))
    elif isinstance(value, Mapping):
        for name, item in value.items():
            yield from _flattened(item, (*prefix, str(name)))


def _field(value: Any, name: str) -> Any:
    return value[name] if isinstance(value, Mapping) else getattr(value, name)
