"""Which tasks really ran in this process, with Flyte's local cache in a folder of the test's."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flytekit.core import local_cache
from flytekit.core.base_task import PythonTask


@contextmanager
def task_cache(folder: Path) -> Iterator[list[str]]:
    """Turn Flyte's local cache on in ``folder`` for the block; yields the list of names of the
    tasks that executed (cache hits are not executed), in order."""
    executed: list[str] = []
    sandbox_execute = PythonTask.sandbox_execute

    def recorded(task, ctx, input_literal_map):
        executed.append(task.name)
        return sandbox_execute(task, ctx, input_literal_map)

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FLYTE_LOCAL_CACHE_ENABLED", "true")
        patch.setattr(local_cache, "CACHE_LOCATION", str(folder))
        patch.setattr(local_cache.LocalTaskCache, "_initialized", False)
        patch.setattr(local_cache.LocalTaskCache, "_cache", None, raising=False)
        patch.setattr(PythonTask, "sandbox_execute", recorded)
        yield executed
