"""Per-task caching: a re-run executes nothing; a changed sub-config re-runs what depends on it.

Each run is a fresh process with HOME in a temporary folder, so Flyte's cache (~/.flyte) is
isolated.
Tasks log one line when they execute; a cache hit logs nothing.
"""

import re

from conftest import SMALL_DATA, run_workflow_script

TASKS = ("prepare_data", "train", "evaluate")


def executed(output: str) -> set[str]:
    return {task for task in TASKS if re.search(rf"\] - {task}: ", output)}


def test_only_tasks_whose_inputs_changed_run_again(tmp_path):
    def run(*overrides):
        return executed(
            run_workflow_script("multi_task", *SMALL_DATA, *overrides, home=tmp_path, cwd=tmp_path)
        )

    assert run() == set(TASKS)
    assert run() == set()
    assert run("evaluate.min_r2=0.5") == {"evaluate"}
    assert run("model=linear") == {"train", "evaluate"}
    assert run("data.seed=1") == set(TASKS)
