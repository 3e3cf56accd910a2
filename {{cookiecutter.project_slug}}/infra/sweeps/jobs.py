"""Sweep jobs: each job's config and workflow inputs, and running a function per job the way
Hydra runs a job (its own folder under the sweep dir, its config saved, callbacks called)."""

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flytekit.core.workflow import WorkflowBase
from flytekit.models.literals import Literal
from hydra.core.hydra_config import HydraConfig
from hydra.core.utils import JobReturn, run_job
from hydra.types import HydraContext
from omegaconf import DictConfig, open_dict

from infra.errors import LauncherError
from infra.settings.schema import LauncherConfig
from infra.sweeps.compositions import composed_once
from infra.sweeps.metric import Metric, Metrics, scalars
from infra.sweeps.summary import JobResult, Row, log_summary, write_summary
from infra.workflow.binding import bind_inputs, to_literals
from infra.workflow.finite import refuse_non_finite

log = logging.getLogger(__name__)


@dataclass
class Sweep:
    """A multirun as Hydra hands it to the launcher: typed settings, Hydra's context, the
    ``@hydra.main`` function, the primary config and each job's overrides."""

    settings: LauncherConfig
    hydra_context: HydraContext
    task_function: Callable
    config: DictConfig
    job_overrides: Sequence[Sequence[str]]
    initial_job_idx: int
    # Called with each job's number and JobReturn as it finishes (the Optuna sweeper tells its
    # study then, so a trial that finished counts even if the sweep is stopped)
    on_job_end: Callable[[int, JobReturn], None] | None = None


@dataclass
class Job:
    """One sweep job: its overrides, its composed config and the workflow inputs bound from it."""

    idx: int
    overrides: list[str]
    config: DictConfig
    inputs: dict[str, Any]
    literals: dict[str, Literal]


def load_jobs(sweep: Sweep, workflow: WorkflowBase) -> list[Job]:
    """Compose every job's config and convert its inputs to Flyte literals.

    Done for all jobs before anything else, so a bad config in any job fails fast. The configs
    are those the sweeper composed to check the batch, not composed again
    (infra/sweeps/compositions.py).
    """
    jobs = []
    loader = composed_once(sweep.hydra_context)
    for offset, overrides in enumerate(sweep.job_overrides):
        idx = sweep.initial_job_idx + offset
        job_config = loader.take(sweep.config, list(overrides))
        with open_dict(job_config):
            # the config's name, never hydra.job.name resolved: it may come from the environment
            job_config.hydra.job.id = f"{job_config.hydra.job.config_name}_{idx}"
            job_config.hydra.job.num = idx
        HydraConfig.instance().set_config(job_config)  # for ${hydra:...} interpolations
        inputs = bind_inputs(workflow, job_config, sweep.settings.inputs)
        refuse_non_finite(inputs)
        literals = to_literals(workflow, inputs)
        jobs.append(Job(idx, list(overrides), job_config, inputs, literals))
    return jobs


def run_jobs(
    sweep: Sweep,
    jobs: Iterable[Job],
    function: Callable[[Job], JobResult],
    metric: Metric | Metrics | None = None,
) -> list[JobReturn]:
    """Hydra's JobReturn of each job, run as a Hydra job: ``function(job)``'s value, or with
    ``metric`` that number of its outputs. Each job's log holds its header and its result; the
    sweep's summary is written to the sweep dir as each job finishes, and printed at the end.
    ``jobs`` may come in any order (as their executions finish); the returns are in job order."""
    sweep_dir = Path(sweep.config.hydra.sweep.dir)
    rows: list[Row] = []
    every: list[Row] = []
    returns: list[tuple[int, JobReturn]] = []
    for job in jobs:
        row = Row(job.idx, job.overrides)
        rows.append(row)

        def task_function(_config: DictConfig, job: Job = job, row: Row = row) -> Any:
            log.info(f"#{job.idx} : {' '.join(job.overrides)}")
            try:
                result = function(job)
                _fill(row, result)
                if result.error is not None:
                    raise LauncherError(result.error)
            except Exception as error:
                row.status, row.error = "FAILED", str(error)
                log.error(f"#{job.idx} failed: {error}")
                raise
            value = result.value if metric is None else metric.of(result.outputs or {})
            log.info(f"#{job.idx} result: {value!r}" + _tasks_line(row))
            return value

        job_return = run_job(
            hydra_context=sweep.hydra_context,
            task_function=task_function,
            config=job.config,
            job_dir_key="hydra.sweep.dir",
            job_subdir_key="hydra.sweep.subdir",
        )
        returns.append((job.idx, job_return))
        every = write_summary(sweep_dir, rows)
        if sweep.on_job_end is not None:
            sweep.on_job_end(job.idx, job_return)
    log_summary(sweep_dir, sorted(rows, key=lambda row: row.job), len(every))
    return [job_return for _, job_return in sorted(returns, key=lambda pair: pair[0])]


def _fill(row: Row, result: JobResult) -> None:
    """Copy what the summary shows of a job's result into its row."""
    row.metrics = scalars(result.outputs or {})
    row.ran = None if result.ran is None else len(result.ran)
    row.cached = None if result.cached is None else len(result.cached)
    row.execution, row.url, row.phase = result.execution, result.url, result.phase
    row.files = result.files or []


def _tasks_line(row: Row) -> str:
    if row.ran is None:
        return ""
    return f" ({row.ran} task(s) ran, {row.cached} cache hit(s))"
