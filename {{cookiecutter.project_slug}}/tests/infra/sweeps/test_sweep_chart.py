"""The sweep chart (infra/sweeps/chart.py): one bar chart per metric across a sweep's jobs."""

import re

import pytest

from infra.sweeps.chart import write_chart

ROWS = [
    {"job": 0, "overrides": "model=linear", "r2": 0.41, "mse": 0.2},
    {"job": 1, "overrides": "model=cubic", "r2": 0.97, "mse": 0.003},
    {"job": 2, "overrides": "model=quintic", "error": "failed"},
]


def bars(page: str) -> dict[str, list[float]]:
    """The values drawn as bars, by chart title."""
    charts = re.findall(r"<svg.*?</svg>", page, re.DOTALL)
    return {
        re.search(r'class="title plot_title">([^<]+)<', chart)[1]: [
            float(value) for value in re.findall(r'<desc class="value">([^<]+)</desc>', chart)
        ]
        for chart in charts
    }


def test_each_metric_is_a_chart_of_its_own_with_a_bar_per_job_that_has_it(tmp_path):
    path = write_chart(ROWS, ["r2", "mse"], tmp_path / "chart.html")
    page = path.read_text()
    assert page.startswith("<!DOCTYPE html>") and "r2, mse across 3 jobs" in page
    assert bars(page) == {"r2": [0.41, 0.97], "mse": [0.2, 0.003]}
    # horizontal bars: the jobs' labels are on the y axis
    label_axes = re.findall(r'<g class="axis y">(.*?)</g></g><g class="axis x', page)
    assert len(label_axes) == 2
    for axis in label_axes:  # each bar labelled with its row's job
        assert re.findall(r"<text[^>]*>([^<]+)</text>", axis) == ["0", "1", "2"]


def test_a_flag_or_text_is_no_bar(tmp_path):
    rows = [{"job": "a", "passed": True, "r2": "n/a"}, {"job": "b", "passed": False, "r2": 0.5}]
    page = write_chart(rows, ["passed", "r2"], tmp_path / "chart.html").read_text()
    assert bars(page) == {"passed": [], "r2": [0.5]}


@pytest.mark.parametrize(
    ("rows", "metrics", "message"),
    [
        (ROWS, [], "write_chart needs at least one metric name, got none"),
        ([{"r2": 1.0}, {"job": 1}], ["r2"], "every summary row needs a 'job' key; rows [0]"),
    ],
)
def test_bad_arguments_are_named(rows, metrics, message, tmp_path):
    with pytest.raises(ValueError, match=re.escape(message)):
        write_chart(rows, metrics, tmp_path / "chart.html")
    assert not (tmp_path / "chart.html").exists()
