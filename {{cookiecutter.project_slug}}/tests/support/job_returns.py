"""A Hydra callback for the launcher tests: records each job's JobReturn in a JSON lines file."""

import json
from pathlib import Path

from hydra.experimental.callback import Callback


class RecordJobReturns(Callback):
    """Appends ``{"overrides", "status", "value"}`` per finished job to ``path``."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)

    def on_job_end(self, config, job_return, **kwargs) -> None:
        record = {
            "overrides": list(job_return.overrides),
            "status": job_return.status.name,
            "value": repr(job_return._return_value),
        }
        with self.path.open("a") as stream:
            stream.write(json.dumps(record) + "\n")
