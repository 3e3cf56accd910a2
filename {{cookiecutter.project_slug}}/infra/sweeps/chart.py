"""A chart of a sweep's metrics across its jobs: an HTML page with one bar chart per metric.

``write_chart(rows, ["r2", "mse"], sweep_dir / "chart.html")``, where ``rows`` are the sweep
summary's rows: one dict per job with at least ``job`` (its label beside its bar, e.g. its number
and overrides) and the metrics' values. The bars are horizontal, so long labels stay readable.
Each metric gets a chart of its own, so metrics of different scales stay readable. A job without
a number for a metric (it failed, or the value is not a number) gets no bar in that chart. Drawn
with pygal, like the tasks' reports.
"""

import html
from collections.abc import Mapping, Sequence
from numbers import Real
from pathlib import Path
from typing import Any

import pygal


def write_chart(rows: Sequence[Mapping[str, Any]], metric_names: Sequence[str], path: Path) -> Path:
    """Draw each of ``metric_names`` across the jobs of ``rows`` into the page ``path``."""
    if not metric_names:
        raise ValueError("write_chart needs at least one metric name, got none")
    unlabelled = [index for index, row in enumerate(rows) if "job" not in row]
    if unlabelled:
        raise ValueError(f"every summary row needs a 'job' key; rows {unlabelled} have none")
    labels = [str(row["job"]) for row in rows]
    charts = []
    for name in metric_names:
        chart = pygal.HorizontalBar(
            title=name,
            x_labels=labels,
            truncate_label=-1,  # whole labels: the overrides are what tells the jobs apart
            show_legend=False,
            width=900,
            height=140 + 32 * len(rows),
            js=[],
            disable_xml_declaration=True,
        )
        chart.add(name, [_number(row.get(name)) for row in rows])
        charts.append(chart.render(is_unicode=True))
    title = html.escape(f"{', '.join(metric_names)} across {len(rows)} jobs")
    page = f'<!DOCTYPE html>\n<meta charset="utf-8">\n<title>{title}</title>\n<h2>{title}</h2>\n'
    path.write_text(page + "\n".join(charts) + "\n", encoding="utf-8")
    return path


def _number(value: Any) -> float | None:
    """``value`` as a float, or None (no bar) if it is not a number (a flag is not one)."""
    if isinstance(value, Real) and not isinstance(value, bool):
        return float(value)
    return None
