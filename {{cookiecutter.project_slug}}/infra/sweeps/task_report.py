"""Which tasks of a local workflow run executed and which were Flyte cache hits, each logged.

The signals are flytekit's own: its local cache lookup (``LocalTaskCache.get``, which returns
nothing on a miss) and the call that executes a task's code (``PythonTask.sandbox_execute``).
Both are watched, not replaced, for the length of a ``with tasks_reported()`` block.
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flytekit.core.base_task import PythonTask
from flytekit.core.local_cache import LocalTaskCache

log = logging.getLogger(__name__)


@dataclass
class TaskReport:
    """Names of the tasks that executed and of those whose outputs came from the cache."""

    ran: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)


@contextmanager
def tasks_reported() -> Iterator[TaskReport]:
    """Log each task as it runs or hits the cache; yields the report the block fills."""
    report = TaskReport()
    lookup = LocalTaskCache.__dict__["get"]
    execute = PythonTask.sandbox_execute

    def cache_get(task_name, *args):
        outputs = lookup.__func__(task_name, *args)
        if outputs is not None:
            report.cached.append(task_name)
            log.info(f"task {task_name}: cache hit")
        return outputs

    def sandbox_execute(task, ctx, input_literal_map):
        started = time.perf_counter()
        outputs = execute(task, ctx, input_literal_map)
        report.ran.append(task.name)
        log.info(f"task {task.name}: ran in {time.perf_counter() - started:.2f} s")
        return outputs

    LocalTaskCache.get = staticmethod(cache_get)
    PythonTask.sandbox_execute = sandbox_execute
    try:
        yield report
    finally:
        LocalTaskCache.get = lookup
        PythonTask.sandbox_execute = execute
