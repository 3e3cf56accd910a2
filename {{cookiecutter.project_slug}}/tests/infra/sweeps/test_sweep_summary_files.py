"""The sweep summary's files (infra/sweeps/summary.py): merged, written whole, a damaged one set
aside; the chart labels jobs by the overrides that tell them apart."""

import json
import logging

from infra.sweeps.summary import Row, write_summary


def test_rows_are_merged_by_job_and_each_file_is_replaced_whole(tmp_path):
    write_summary(tmp_path, [Row(0, ["x=1"], metrics={"loss": 1.0})])
    every = write_summary(tmp_path, [Row(1, ["x=2"], metrics={"loss": 0.5})])
    assert [row.job for row in every] == [0, 1]
    rows = json.loads((tmp_path / "summary.json").read_text())
    assert [row["overrides"] for row in rows] == [["x=1"], ["x=2"]]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "chart.html",
        "summary.json",
        "summary.md",
    ]  # no temporary file left behind


def test_a_damaged_summary_is_reported_and_set_aside_not_crashed_on(tmp_path, caplog):
    (tmp_path / "summary.json").write_text('[{"job": 0, "overr')  # a write cut short
    with caplog.at_level(logging.WARNING):
        every = write_summary(tmp_path, [Row(3, ["x=4"])])
    assert [row.job for row in every] == [3]
    assert (tmp_path / "summary.json.damaged").read_text() == '[{"job": 0, "overr'
    assert "summary.json is damaged" in caplog.text
    assert "summary.json.damaged" in caplog.text


def test_the_chart_labels_jobs_by_the_overrides_that_differ(tmp_path):
    rows = [
        Row(0, ["search=a", "model=linear"], metrics={"r2": 0.1}),
        Row(1, ["search=a", "model=cubic"], metrics={"r2": 0.9}),
    ]
    write_summary(tmp_path, rows)
    chart = (tmp_path / "chart.html").read_text()
    assert "#0 model=linear" in chart and "#1 model=cubic" in chart
    assert "search=a" not in chart


def test_the_summary_links_each_job_s_files(tmp_path):
    write_summary(tmp_path, [Row(0, ["x=1"], files=["0/outputs/o1/model.pkl"])])
    assert "[model.pkl](0/outputs/o1/model.pkl)" in (tmp_path / "summary.md").read_text()
