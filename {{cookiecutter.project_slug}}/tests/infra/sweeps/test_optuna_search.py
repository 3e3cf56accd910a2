"""Optuna searches through the project's sweeper and launcher, run as a user runs them, on a tiny
workflow of the tests' own (tests/support/search_project.py): the study kept in storage and
continued, failed trials recorded within the failure budget, Ctrl-C, concurrent sweeps, and each
job's file outputs kept in its folder."""

import json
import signal
import subprocess
import time

import optuna
import pytest
import yaml

from support.search_project import run_search, run_sweep, search_command, write_search_project

COMPLETE, FAIL = optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.FAIL


def study_of(folder):
    """The fixture's study, opened with Optuna's own API from the default storage."""
    return optuna.load_study(study_name="fixture", storage=f"sqlite:///{folder}/multirun/optuna.db")


def rows(sweep_dir):
    return json.loads((sweep_dir / "summary.json").read_text())


@pytest.mark.slow
def test_a_search_keeps_its_study_and_running_it_again_continues_it(tmp_path):
    folder = write_search_project(tmp_path)
    run_search(folder, f"hydra.sweep.dir={folder / 'first'}")
    first = study_of(folder).get_trials()
    assert [trial.state for trial in first] == [COMPLETE] * 4
    results = yaml.safe_load((folder / "first" / "optimization_results.yaml").read_text())
    best = min(first, key=lambda trial: trial.value)
    assert results["best_params"] == best.params and results["best_value"] == best.value

    # a new process: the study lives in its storage, not in the first run's process
    second = [f"hydra.sweep.dir={folder / 'second'}", "hydra.sweeper.n_trials=6"]
    output = run_search(folder, *second, process=True)
    assert "4 finished trial(s) so far" in output
    trials = study_of(folder).get_trials()
    assert [trial.state for trial in trials] == [COMPLETE] * 6
    assert [trial.params for trial in trials[:4]] == [trial.params for trial in first]
    # only the two new trials ran, in folders named by their trial numbers, with new values
    assert sorted(p.name for p in (folder / "second").iterdir() if p.is_dir()) == ["4", "5"]
    old = {trial.params["x"] for trial in first}
    assert not old & {trial.params["x"] for trial in trials[4:]}
    assert [row["job"] for row in rows(folder / "second")] == [4, 5]
    assert "search.html" in {path.name for path in (folder / "second").iterdir()}


@pytest.mark.slow
def test_a_failed_trial_is_recorded_with_its_error_and_the_search_goes_on(tmp_path):
    folder = write_search_project(tmp_path)
    sweep = folder / "sweep"
    budget = "hydra.sweeper.max_failure_rate=1.0"  # every trial may fail
    run_search(
        folder, f"hydra.sweep.dir={sweep}", "fail_above=0.5", "hydra.sweeper.n_trials=6", budget
    )
    trials = study_of(folder).get_trials()
    failed = [trial for trial in trials if trial.state == FAIL]
    assert len(trials) == 6 and failed, [trial.params for trial in trials]
    assert all("is over fail_above=0.5" in trial.user_attrs["error"] for trial in failed)
    summary = {row["job"]: row for row in rows(sweep)}
    for trial in failed:
        assert summary[trial.number]["status"] == "FAILED"
        assert "is over fail_above=0.5" in summary[trial.number]["error"]
    results = yaml.safe_load((sweep / "optimization_results.yaml").read_text())
    assert results["trials"] == {"complete": 6 - len(failed), "failed": len(failed)}
    assert results["best_params"]["x"] <= 0.5


@pytest.mark.slow
def test_past_the_failure_budget_the_search_stops_and_still_writes_its_best(tmp_path):
    folder = write_search_project(tmp_path)
    sweep = folder / "sweep"
    output = run_search(
        folder,
        f"hydra.sweep.dir={sweep}",
        "fail_above=0.2",
        "hydra.sweeper.n_trials=8",
        "hydra.sweeper.max_failure_rate=0.125",
        succeed=False,
    )
    assert "more than the failure budget of 1 (hydra.sweeper.max_failure_rate=0.125" in output
    trials = study_of(folder).get_trials()
    assert len(trials) < 8 and sum(trial.state == FAIL for trial in trials) >= 2
    results = yaml.safe_load((sweep / "optimization_results.yaml").read_text())
    assert results["trials"]["failed"] >= 2


@pytest.mark.slow
def test_ctrl_c_leaves_an_accurate_summary_and_the_interrupted_trials_run_again(tmp_path):
    folder = write_search_project(tmp_path)
    sweep = folder / "sweep"
    search = ["hparams_search=fixture", f"hydra.sweep.dir={sweep}", "seconds=1.5"]
    command, env = search_command(folder, *search)
    process = subprocess.Popen(
        command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 120
    while not (sweep / "summary.json").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # the first trial told, the second (1.5 s) still running
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=60)
    finished = rows(sweep)  # parses: written whole after each job
    assert 1 <= len(finished) < 4
    assert all(row["status"] == "COMPLETED" for row in finished)
    trials = study_of(folder).get_trials()
    done = [trial for trial in trials if trial.state == COMPLETE]
    assert sorted(trial.number for trial in done) == sorted(row["job"] for row in finished)
    assert all(trial.user_attrs.get("interrupted") for trial in trials if trial not in done)

    run_search(folder, f"hydra.sweep.dir={folder / 'again'}")  # an interrupted trial is not done
    again = study_of(folder).get_trials()
    assert sum(trial.state == COMPLETE for trial in again) == 4


@pytest.mark.slow
def test_two_sweeps_started_together_get_folders_of_their_own(tmp_path):
    folder = write_search_project(tmp_path)
    basic = ["x=0.1,0.2"]
    started = [search_command(folder, *basic, f"seconds={s}") for s in ("0.0", "0.5")]
    processes = [
        subprocess.Popen(c, cwd=folder, env=e, stdout=subprocess.DEVNULL) for c, e in started
    ]
    assert [process.wait(timeout=300) for process in processes] == [0, 0]
    sweeps = sorted((folder / "multirun").glob("*/*"))
    assert len(sweeps) == 2, sweeps
    for sweep in sweeps:
        assert [row["overrides"][0] for row in rows(sweep)] == ["x=0.1", "x=0.2"]
        assert (sweep / "multirun.yaml").is_file()


@pytest.mark.slow
def test_a_local_sweep_keeps_each_job_s_file_outputs_in_its_folder(tmp_path):
    folder = write_search_project(tmp_path)
    sweep = folder / "sweep"
    run_sweep(folder, "x=0.1,0.2", f"hydra.sweep.dir={sweep}")
    for row, x in zip(rows(sweep), (0.1, 0.2), strict=True):
        (file,) = row["files"]
        assert file == f"{row['job']}/outputs/o1/note.txt"
        assert (sweep / file).read_text() == f"x={x}"
        assert f"[note.txt]({file})" in (sweep / "summary.md").read_text()


@pytest.mark.slow
def test_a_multi_objective_search_keeps_the_best_trade_offs(tmp_path):
    folder = write_search_project(tmp_path)
    sweep = folder / "sweep"
    run_search(
        folder,
        f"hydra.sweep.dir={sweep}",
        "hydra/sweeper/sampler=nsgaii",
        "hydra.sweeper.direction=[minimize,minimize]",
        "hydra.launcher.optimized_metric=[o0,o2]",
    )
    study = study_of(folder)
    assert [d.name for d in study.directions] == ["MINIMIZE", "MINIMIZE"]
    assert all(len(trial.values) == 2 for trial in study.get_trials())
    results = yaml.safe_load((sweep / "optimization_results.yaml").read_text())
    best = {trial.number for trial in study.best_trials}
    assert {solution["trial"] for solution in results["solutions"]} == best
