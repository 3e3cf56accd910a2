"""The example pipeline's results and per-task caching: delete this file with the example."""

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.workflows import extra_inputs, multi_task, reports, single_task

from support.project import ADDED_CONFIGS, applies_to, compose_config, hydra_job
from support.tasks import task_cache

SMALL_DATA = ["data.n_samples=80"]


def test_the_example_has_a_debug_config_and_experiments_to_sweep():
    """So that the generic experiment tests (test_experiments.py) run, none skipped."""
    assert {group for group, _ in ADDED_CONFIGS} == {"experiment", "debug"}
    fitting = [
        o for g, o in ADDED_CONFIGS if g == "experiment" and "multi_task" in applies_to(g, o)
    ]
    assert len(fitting) > 1


def test_every_example_workflow_saves_a_report():
    """So that the generic report tests (test_reports.py) check each of them."""
    for module in (extra_inputs, multi_task, single_task):
        assert module.save_report is reports.save_report, module.__name__


def test_the_multi_task_workflow_fits_the_cubic_data():
    scores = multi_task.pipeline(cfg=compose_config("multi_task", SMALL_DATA)).scores
    assert scores.r2 > 0.9
    assert scores.passed


def test_single_and_multi_task_workflows_agree():
    single = single_task.pipeline(cfg=compose_config("single_task", SMALL_DATA))
    multi = multi_task.pipeline(cfg=compose_config("multi_task", SMALL_DATA))
    assert single.scores == multi.scores
    assert Path(single.report.path).read_text() != ""


def test_a_weak_model_fails_the_bar():
    config = compose_config("multi_task", [*SMALL_DATA, "model=linear"])
    assert not multi_task.pipeline(cfg=config).scores.passed


def test_extra_inputs_predicts_the_query_with_overrides_applied():
    cfg = compose_config("extra_inputs", SMALL_DATA)
    cubic = extra_inputs.pipeline(cfg=cfg, query="0.0, 1.0", overrides=[]).predictions
    assert cubic == pytest.approx([0.5, 1.5], abs=0.1)  # y = 0.5 - x + 2x^3
    constant = extra_inputs.pipeline(
        cfg=cfg, query="0.0, 1.0", overrides=["model.degree=0"]
    ).predictions
    assert constant[0] == pytest.approx(constant[1])


def test_an_override_inside_the_workflow_is_checked_against_the_schema():
    cfg = compose_config("extra_inputs", SMALL_DATA)
    with pytest.raises(Exception, match="model.degree"):
        extra_inputs.pipeline(cfg=cfg, query="0.0", overrides=["model.degree=abc"])


def test_extra_inputs_main_reads_its_inputs_from_the_config(tmp_path):
    overrides = [*SMALL_DATA, 'query="2.0"', 'overrides=["model.l2=0.5"]']
    with hydra_job("extra_inputs", overrides, output_dir=tmp_path) as cfg:
        result = extra_inputs.main.__wrapped__(cfg)
    expected = extra_inputs.pipeline(cfg=cfg, query="2.0", overrides=["model.l2=0.5"])
    assert result.predictions == expected.predictions


def test_a_bad_query_names_the_value():
    with pytest.raises(Exception, match="separated by spaces or commas, got 'one, two'"):
        extra_inputs.pipeline(cfg=compose_config("extra_inputs"), query="one, two", overrides=[])


def test_only_the_tasks_whose_sub_config_changed_run_again(tmp_path):
    example_tasks = {"prepare_data", "train", "evaluate"}  # tasks you add are not counted

    def run(*overrides: str) -> set[str]:
        with task_cache(tmp_path) as executed:
            multi_task.pipeline(cfg=compose_config("multi_task", [*SMALL_DATA, *overrides]))
        return {name.rpartition(".")[2] for name in executed} & example_tasks

    assert run() == {"prepare_data", "train", "evaluate"}
    assert run() == set()
    assert run("evaluate.min_r2=0.5") == {"evaluate"}
    assert run("model=linear") == {"train", "evaluate"}
    assert run("data.seed=1") == {"prepare_data", "train", "evaluate"}


@pytest.mark.parametrize("name", ["single_task", "multi_task", "extra_inputs"])
def test_debugging_runs_on_a_fraction_of_the_data(name):
    debug = compose_config(name, ["+debug=default"])
    assert debug.data.n_samples * 5 <= compose_config(name).data.n_samples
