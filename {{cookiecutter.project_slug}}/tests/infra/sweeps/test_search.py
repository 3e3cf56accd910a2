"""Hyperparameter searches (conf/hparams_search/) through the launcher, as a user runs them: each
trial a sweep job whose ``optimized_metric`` the sweeper gets as a float, locally and on a
(stand-in) cluster with ``wait``; the best parameters in Hydra's optimization_results.yaml."""

import functools
import json

import pytest
import yaml

from infra.errors import LauncherError
from infra.settings.load import launcher_settings
from infra.sweeps.metric import Metric, optimized_metric
from support.fixture_project import (
    CONF_DIR,
    WORKFLOW_NAMES,
    compose_config,
    run_fixture,
    workflow_of,
)
from support.flyteadmin import serving
from support.literals import decoded

SEARCHES = sorted(path.stem for path in (CONF_DIR / "hparams_search").glob("*.yaml"))


def search_config(search: str, name: str):
    return compose_config(name, [f"hparams_search={search}"], hydra=True)


@functools.cache  # asked while the module is collected, and by tests
def metric_of(search: str, name: str) -> Metric | None:
    """The search's metric among the workflow's outputs; None if the workflow has no such."""
    try:
        return optimized_metric(workflow_of(name), launcher_settings(search_config(search, name)))
    except LauncherError:
        return None


PAIRS = [(s, n) for s in SEARCHES for n in WORKFLOW_NAMES if metric_of(s, n) is not None]
MISFITS = [(s, n) for s in SEARCHES for n in WORKFLOW_NAMES if metric_of(s, n) is None]


def test_the_project_ships_a_search_that_fits_a_workflow():
    assert PAIRS, f"no search of {SEARCHES} fits a workflow of {WORKFLOW_NAMES}"


def search(search_name: str, name: str, *overrides: str, tmp_path, succeed: bool = True) -> str:
    return run_fixture(
        name,
        "-m",
        f"hparams_search={search_name}",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        "+hydra.callbacks.record._target_=support.job_returns.RecordJobReturns",
        f"+hydra.callbacks.record.path={tmp_path / 'returns.jsonl'}",
        *overrides,
        cwd=tmp_path,
        succeed=succeed,
    )


def check_results(search_name: str, name: str, tmp_path) -> list[float]:
    """The trials' values, checked against optimization_results.yaml and the summary."""
    sweeper = search_config(search_name, name).hydra.sweeper
    returns = [json.loads(line) for line in (tmp_path / "returns.jsonl").read_text().splitlines()]
    assert len(returns) == sweeper.n_trials
    assert all(job["status"] == "COMPLETED" for job in returns), returns
    values = [float(job["value"]) for job in returns]  # a float, as the sweeper needs
    results = yaml.safe_load((tmp_path / "sweep" / "optimization_results.yaml").read_text())
    assert sorted(results["best_params"]) == sorted(sweeper.params)
    best = max(values) if sweeper.direction == "maximize" else min(values)
    assert results["best_value"] == pytest.approx(best)
    rows = json.loads((tmp_path / "sweep" / "summary.json").read_text())
    assert [row["job"] for row in rows] == list(range(sweeper.n_trials))
    return values


@pytest.mark.slow
@pytest.mark.parametrize(("search_name", "name"), PAIRS)
def test_a_search_runs_locally_and_writes_its_best_params(search_name, name, tmp_path):
    search(search_name, name, "hydra.launcher.mode=local", tmp_path=tmp_path)
    check_results(search_name, name, tmp_path)


@pytest.mark.slow
def test_each_remote_trial_is_an_execution_whose_outputs_feed_the_search(tmp_path):
    search_name, name = PAIRS[0]
    workflow = workflow_of(name)
    with serving(run_workflows=True, progress=True) as admin:
        output = search(
            search_name,
            name,
            f"hydra.launcher.connection.endpoint={admin.endpoint}",
            "hydra.launcher.build=false",
            "hydra.launcher.version=search-1",
            "hydra.launcher.wait=true",
            "hydra.launcher.poll_seconds=0.05",
            tmp_path=tmp_path,
        )
        values = check_results(search_name, name, tmp_path)
    metric = metric_of(search_name, name)
    types = workflow.python_interface.outputs
    outputs = [
        {key: decoded(literal, types[key]) for key, literal in literals.literals.items()}
        for _, _, literals in admin.executions.values()
    ]
    assert len(admin.calls("CreateExecution")) == len(values)
    assert sorted(values) == pytest.approx(sorted(metric.of(o) for o in outputs))
    for execution, _, _ in admin.executions.values():  # phases reported as they change
        assert f"Execution {execution.id.name}: QUEUED -> RUNNING" in output
        assert f"Execution {execution.id.name}: RUNNING -> SUCCEEDED" in output


@pytest.mark.slow
@pytest.mark.parametrize(("search_name", "name"), MISFITS)
def test_a_search_whose_metric_a_workflow_lacks_fails_before_any_job(search_name, name, tmp_path):
    local = "hydra.launcher.mode=local"
    output = search(search_name, name, local, tmp_path=tmp_path, succeed=False)
    metric = search_config(search_name, name).hydra.launcher.optimized_metric
    assert f"hydra.launcher.optimized_metric={metric!r} is not a number" in output
    assert not (tmp_path / "sweep" / "0").exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["hydra.launcher.wait=false"], "needs each execution's outputs: set hydra.launcher.wait"),
        (["hydra.launcher.run=false"], "needs each execution's outputs: set hydra.launcher.wait"),
        (["hydra.launcher.mode=package"], "needs each job's outputs: mode=package runs nothing"),
    ],
)
@pytest.mark.slow
def test_a_search_in_a_mode_without_outputs_fails_before_any_call(overrides, message, tmp_path):
    search_name, name = PAIRS[0]
    with serving() as admin:
        endpoint = f"hydra.launcher.connection.endpoint={admin.endpoint}"
        output = search(search_name, name, endpoint, *overrides, tmp_path=tmp_path, succeed=False)
        assert message in output
        assert admin.requests == []
    assert not (tmp_path / "sweep" / "0").exists()


@pytest.mark.slow
@pytest.mark.parametrize(("search_name", "name"), PAIRS)
def test_a_metric_may_name_its_output_or_the_outputs_type(search_name, name):
    metric = metric_of(search_name, name)
    settings = launcher_settings(search_config(search_name, name))
    settings.optimized_metric = ".".join((metric.output, *metric.fields))
    by_output = optimized_metric(workflow_of(name), settings)
    assert (by_output.output, by_output.fields) == (metric.output, metric.fields)
