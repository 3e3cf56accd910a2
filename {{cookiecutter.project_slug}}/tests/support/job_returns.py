"""A Hydra callback for the launcher tests that records each job's JobReturn in a JSON lines file,
and a local sweep run with it."""

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flytekit.types.file import FlyteFile
from hydra.experimental.callback import Callback

from support.scripts import run_workflow_script


class RecordJobReturns(Callback):
    """Appends ``{"overrides", "status", "value", "files", "pid"}`` per finished job to ``path``:
    the value as ``shown``, whether each file the value holds exists, and the id of the process
    that ran the job."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)

    def on_job_end(self, config, job_return, **kwargs) -> None:
        value = job_return._return_value
        record = {
            "overrides": list(job_return.overrides),
            "status": job_return.status.name,
            "value": shown(value),
            "files": {Path(file.path).name: Path(file.path).is_file() for file in files(value)},
            "pid": os.getpid(),
        }
        with self.path.open("a") as stream:
            stream.write(json.dumps(record) + "\n")


def shown(value: Any) -> str:
    """``repr(value)``, each file in it shown by its name alone: its folder differs per run."""
    text = repr(value)
    for file in files(value):
        text = text.replace(repr(file), Path(file.path).name)
    return text


def files(value: Any) -> list[FlyteFile]:
    """The files among a workflow's outputs."""
    if isinstance(value, FlyteFile):
        return [value]
    if isinstance(value, tuple):
        return [file for item in value for file in files(item)]
    return []


def local_sweep(
    name: str,
    *overrides: str,
    tmp_path,
    options: tuple[str, ...] = (),
    script: Callable[..., str] = run_workflow_script,
) -> list[dict]:
    """``python <name>.py options -m hydra.launcher.mode=local overrides``: the JobReturns
    recorded (``options``: Hydra's own, such as ``--config-dir``, which go before overrides);
    ``script`` runs the file (the fixture project's: ``support.fixture_project.run_fixture``)."""
    returns = tmp_path / "returns.jsonl"
    script(
        name,
        *options,
        "-m",
        "hydra.launcher.mode=local",
        *overrides,
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        "+hydra.callbacks.record._target_=support.job_returns.RecordJobReturns",
        f"+hydra.callbacks.record.path={returns}",
        cwd=tmp_path,
    )
    return [json.loads(line) for line in returns.read_text().splitlines()]
