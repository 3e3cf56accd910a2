"""A sweep job's file and folder outputs (FlyteFile, FlyteDirectory, also inside dataclasses,
lists and dicts): copied into the job's folder in a local sweep, listed by URI in a remote one,
so the summary can point at every job's reports and models."""

import dataclasses
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile

OUTPUTS_DIR = "outputs"  # under the job's folder, like a plain run's outputs/


def file_outputs(value: Any, name: str = "") -> Iterator[tuple[str, FlyteFile | FlyteDirectory]]:
    """Every file or folder among ``value``, with its dotted path (``o0.report``)."""
    if isinstance(value, FlyteFile | FlyteDirectory):
        yield name, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from file_outputs(getattr(value, field.name), _join(name, field.name))
    elif hasattr(value, "_asdict"):
        for key, item in value._asdict().items():
            yield from file_outputs(item, _join(name, key))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from file_outputs(item, _join(name, str(key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from file_outputs(item, _join(name, str(index)))


def keep_files(outputs: Mapping[str, Any], job_dir: Path) -> list[str]:
    """Copy each file or folder output of a local run into ``job_dir/outputs/<path>/``; the
    copies' paths relative to the sweep dir (``0/outputs/o0.report/report.html``)."""
    kept = []
    for name, value in file_outputs(dict(outputs)):
        source = Path(value.path)
        if not source.exists():
            continue
        target = job_dir / OUTPUTS_DIR / name / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)
        kept.append(str(target.relative_to(job_dir.parent)))
    return kept


def file_uris(outputs: Mapping[str, Any]) -> list[str]:
    """Where each file or folder output of a remote execution is stored."""
    return [
        str(getattr(value, "remote_source", None) or value.path)
        for _, value in file_outputs(dict(outputs))
    ]


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name
