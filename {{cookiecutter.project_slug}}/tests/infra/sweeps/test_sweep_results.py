"""What a local sweep leaves to read: each job's log holds its own header, every task's run or
cache hit and its result, on a first run and on a re-run of cache hits; the sweep dir holds a
summary of every job."""

import json
import re

import pytest

from infra.sweeps.metric import number_paths, outputs_by_name, scalars
from infra.workflow.binding import bind_inputs
from support.fixture_project import (
    WORKFLOW_NAMES,
    compose_config,
    group_sweep,
    run_fixture,
    tasks_of,
    workflow_of,
)

pytestmark = pytest.mark.slow  # each test runs workflow files end to end, launcher included

# The workflow with the most tasks, swept over every option of its first group.
NAME = "cached"  # the fixture workflow of plain cached tasks, which all run
SWEEP = group_sweep(NAME)
GROUP, _, OPTIONS = SWEEP[0].partition("=")
JOBS = [[f"{GROUP}={option}"] for option in OPTIONS.split(",")]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The sweep run twice with Flyte's local cache on, each run in its own sweep dir, as
    Hydra's dated dirs do: (outputs, each run's job logs, the second run's sweep dir)."""
    tmp_path = tmp_path_factory.mktemp("results")
    outputs, logs = [], []
    for run in range(2):
        sweep_dir = tmp_path / f"sweep-{run}"
        arguments = ["-m", "hydra.launcher.mode=local", *SWEEP, f"hydra.sweep.dir={sweep_dir}"]
        outputs.append(run_fixture(NAME, *arguments, cwd=tmp_path, home=tmp_path))
        logs.append([(sweep_dir / str(n) / f"{NAME}.log").read_text() for n in range(len(JOBS))])
    return outputs, logs, sweep_dir


def headers(log: str) -> list[str]:
    return re.findall(r"#(\d+) : (.*)", log)


def without_folders(text: str) -> str:
    """``text`` with each file path cut to the file's name: output files' folders differ per run."""
    return re.sub(r"/[^\s,()]*/([^/\s,()]+)", r"\1", text)


@pytest.mark.parametrize("run", [0, 1], ids=["first", "again"])
def test_each_jobs_log_holds_its_own_header_and_result(runs, run):
    _, logs, _ = runs
    for number, (log, overrides) in enumerate(zip(logs[run], JOBS, strict=True)):
        assert headers(log) == [(str(number), " ".join(overrides))], log
        (result,) = re.findall(rf"#{number} result: (.*)", log)
        workflow = workflow_of(NAME)
        expected = workflow(**bind_inputs(workflow, compose_config(NAME, overrides, True), {}))
        assert without_folders(result).startswith(without_folders(repr(expected))), log


def test_every_task_logs_that_it_ran_then_that_it_was_a_cache_hit(runs):
    _, logs, _ = runs
    tasks = tasks_of(NAME)
    for first, again in zip(*logs, strict=True):
        for task in tasks:
            assert f"task {task.name}: ran in " in first, first
            second = f"task {task.name}: cache hit" if task.metadata.cache else f"{task.name}: ran"
            assert second in again, again
        cached = sum(task.metadata.cache for task in tasks)
        assert f"({len(tasks) - cached} task(s) ran, {cached} cache hit(s))" in again, again


def test_the_sweep_dir_holds_a_summary_of_every_job(runs):
    outputs, _, sweep_dir = runs
    rows = json.loads((sweep_dir / "summary.json").read_text())
    assert [row["overrides"] for row in rows] == JOBS
    workflow = workflow_of(NAME)
    table = (sweep_dir / "summary.md").read_text()
    for row in rows:
        inputs = bind_inputs(workflow, compose_config(NAME, row["overrides"], True), {})
        expected = scalars(outputs_by_name(workflow, workflow(**inputs)))
        assert row["metrics"] == pytest.approx(expected)
        assert (row["status"], row["ran"], row["cached"]) == (
            "COMPLETED",
            len(tasks_of(NAME)) - sum(task.metadata.cache for task in tasks_of(NAME)),
            sum(task.metadata.cache for task in tasks_of(NAME)),
        )
        assert f"| {row['job']} | {' '.join(row['overrides'])} | COMPLETED |" in table
    assert f"Summary of all {len(JOBS)} job(s): {sweep_dir / 'summary.md'}" in outputs[1]
    assert table.splitlines()[0] in outputs[1]  # the table is printed, too


def test_the_sweep_dir_holds_a_chart_of_each_number_across_the_jobs(tmp_path):
    name = max(WORKFLOW_NAMES, key=lambda name: len(list(number_paths(workflow_of(name)))))
    sweep_dir = tmp_path / "sweep"
    arguments = [
        "-m",
        "hydra.launcher.mode=local",
        *group_sweep(name),
        f"hydra.sweep.dir={sweep_dir}",
    ]
    run_fixture(name, *arguments, cwd=tmp_path, home=tmp_path)
    rows = json.loads((sweep_dir / "summary.json").read_text())
    numbers = {
        metric
        for row in rows
        for metric, value in row["metrics"].items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }
    assert numbers, f"{name} returns no numbers to chart"
    chart = (sweep_dir / "chart.html").read_text()
    for metric in numbers:
        assert f">{metric}<" in chart  # each number's chart, under its title
