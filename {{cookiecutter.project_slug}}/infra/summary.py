"""The end-of-sweep summary: one row per job (overrides, status, metrics, tasks run and cached,
and in remote mode the execution, its console URL and phase), printed as a table and written
beside the jobs as ``summary.json`` (for scripts), ``summary.md`` (to read) and, when the jobs
have numbers to compare, ``chart.html`` (each metric across the jobs).

A sweeper that launches in batches (Optuna) calls the launcher once per batch: each call adds
its rows to the files, so they always list every job of the sweep so far.
"""

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from infra.sweep_chart import write_chart

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


def write_summary(sweep_dir: Path, rows: list[Row]) -> list[Row]:
    """Merge ``rows`` into the sweep dir's summary files; returns every row, by job."""
    sweep_dir.mkdir(parents=True, exist_ok=True)
    path = sweep_dir / JSON_NAME
    earlier = json.loads(path.read_text()) if path.is_file() else []
    by_job = {row["job"]: Row(**row) for row in earlier}
    by_job.update((row.job, row) for row in rows)
    every = [by_job[job] for job in sorted(by_job)]
    path.write_text(json.dumps([asdict(row) for row in every], indent=2, default=str) + "\n")
    (sweep_dir / MARKDOWN_NAME).write_text(markdown_table(every) + "\n")
    numbers = [
        name
        for name in dict.fromkeys(name for row in every for name in row.metrics)
        if any(_is_number(row.metrics.get(name)) for row in every)
    ]
    if numbers:
        chart_rows = [{"job": row.job, **row.metrics} for row in every]
        write_chart(chart_rows, numbers, sweep_dir / CHART_NAME)
    return every


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
    columns += ["url", "error"]
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
    else:
        value = getattr(row, column, None)
    if value is None:
        return ""
    text = f"{value:.4g}" if isinstance(value, float) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")
