"""The end-of-sweep summary: one row per job (overrides, status, metrics, tasks run and cached,
and in remote mode the execution, its console URL and phase), printed as a table and written
beside the jobs as ``summary.json`` (for scripts), ``summary.md`` (to read) and, when the jobs
have numbers to compare, ``chart.html`` (each metric across the jobs).

The files are written again as each job finishes (to a temporary file, then renamed), so an
interrupted sweep leaves an accurate summary of the jobs that finished. A sweeper that launches in
batches (Optuna) calls the launcher once per batch: each call adds its rows to the files, so they
list every job of the sweep so far. A damaged ``summary.json`` (an older run killed mid-write) is
reported and kept aside as ``summary.json.damaged``, never crashed on.
"""

import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from infra.sweeps.chart import write_chart

log = logging.getLogger(__name__)
JSON_NAME = "summary.json"
MARKDOWN_NAME = "summary.md"
CHART_NAME = "chart.html"


@dataclass
class JobResult:
    """What a sweep job's run produced: ``value`` goes to Hydra, the rest to the summary."""

    value: Any
    outputs: dict[str, Any] | None = None  # the workflow's outputs by name, when known here
    ran: list[str] | None = None  # tasks that executed; None when they ran elsewhere
    cached: list[str] | None = None  # tasks whose outputs were cache hits
    execution: str | None = None
    url: str | None = None
    phase: str | None = None
    error: str | None = None  # the job failed, for this reason
    files: list[str] | None = None  # its file and folder outputs: copies or URIs


@dataclass
class Row:
    """One job in the summary."""

    job: int
    overrides: list[str]
    status: str = "COMPLETED"  # or FAILED
    metrics: dict[str, Any] = field(default_factory=dict)
    ran: int | None = None
    cached: int | None = None
    execution: str | None = None
    url: str | None = None
    phase: str | None = None
    error: str | None = None
    files: list[str] = field(default_factory=list)  # copies in the job's folder, or URIs


def write_summary(sweep_dir: Path, rows: list[Row]) -> list[Row]:
    """Merge ``rows`` into the sweep dir's summary files; returns every row, by job."""
    sweep_dir.mkdir(parents=True, exist_ok=True)
    path = sweep_dir / JSON_NAME
    by_job = {row.job: row for row in _earlier_rows(path)}
    by_job.update((row.job, row) for row in rows)
    every = [by_job[job] for job in sorted(by_job)]
    write_atomically(path, json.dumps([asdict(row) for row in every], indent=2, default=str))
    write_atomically(sweep_dir / MARKDOWN_NAME, markdown_table(every))
    numbers = [
        name
        for name in dict.fromkeys(name for row in every for name in row.metrics)
        if any(_is_number(row.metrics.get(name)) for row in every)
    ]
    if numbers:
        shared = set.intersection(*(set(row.overrides) for row in every))
        chart_rows = [{"job": _label(row, shared), **row.metrics} for row in every]
        write_chart(chart_rows, numbers, sweep_dir / CHART_NAME)
    return every


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``: a reader
    (or a later sweep) sees the old file or the new one, never half of one."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    temporary.replace(path)


def _earlier_rows(path: Path) -> list[Row]:
    """The rows already in ``path``; a damaged file is reported and moved aside."""
    if not path.is_file():
        return []
    try:
        return [Row(**row) for row in json.loads(path.read_text(encoding="utf-8"))]
    except (ValueError, TypeError, AttributeError) as error:
        aside = path.with_name(path.name + ".damaged")
        path.replace(aside)
        log.warning(f"{path} is damaged ({error}): moved to {aside.name}, starting a new summary")
        return []


def _label(row: Row, shared: set[str]) -> str:
    """A job's label in the chart: its number and the overrides not every job shares."""
    own = [override for override in row.overrides if override not in shared]
    return " ".join([f"#{row.job}", *own])


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def log_summary(sweep_dir: Path, rows: list[Row], total: int) -> None:
    """Print this launch's rows as a table, and where the summary of all ``total`` jobs is."""
    log.info(f"Summary of {len(rows)} job(s):\n{markdown_table(rows)}")
    log.info(
        f"Summary of all {total} job(s): {sweep_dir / MARKDOWN_NAME}, {JSON_NAME} and {CHART_NAME}"
    )


def markdown_table(rows: list[Row]) -> str:
    """The rows as a Markdown table; columns no row fills are left out."""
    metrics = list(dict.fromkeys(name for row in rows for name in row.metrics))
    columns = ["job", "overrides", "status", *metrics, "ran", "cached", "execution", "phase"]
    columns += ["url", "files", "error"]
    cells = [[_cell(row, column) for column in columns] for row in rows]
    used = [i for i, column in enumerate(columns) if any(line[i] for line in cells)]
    lines = [[columns[i] for i in used], ["---"] * len(used)]
    lines += [[line[i] for i in used] for line in cells]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def _cell(row: Row, column: str) -> str:
    if column in row.metrics:
        value = row.metrics[column]
    elif column == "overrides":
        value = " ".join(row.overrides)
    elif column == "files":  # links, relative to the sweep dir like the summary itself
        value = " ".join(f"[{file.rsplit('/', 1)[-1]}]({file})" for file in row.files)
    else:
        value = getattr(row, column, None)
    if value is None:
        return ""
    text = f"{value:.4g}" if isinstance(value, float) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")
