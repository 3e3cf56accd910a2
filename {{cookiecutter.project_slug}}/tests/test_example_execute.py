"""Executing registered launch plans and workflows with new inputs (infra/modes/execute.py, ``make
execute``), against a stand-in flyteadmin that runs each execution's workflow in-process.

Uses the example's extra-inputs workflow (its ``query`` input and its predictions): delete this
file with the example.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from infra.flyteadmin.executions import Execution
from infra.modes import execute as execute_command
from infra.workflow.binding import plain
from support.flyteadmin import serving
from support.literals import decoded
from support.project import PACKAGE, ROOT, compose_config
from support.scripts import run_workflow_script

pytestmark = pytest.mark.slow  # each test runs the project's workflows and commands end to end

MODULE = f"{PACKAGE}.workflows.extra_inputs"
SMALL_DATA = ["data.n_samples=80"]
VERSION = "execute-1"
QUERY = "0.0, 1.0"


@pytest.fixture(scope="module")
def registered(tmp_path_factory):
    """The extra-inputs workflow registered and run once with ``wait``: (admin, launch plan)."""
    tmp_path = tmp_path_factory.mktemp("execute")
    with serving(run_workflows=True) as admin:
        run_workflow_script(
            "extra_inputs",
            "-m",
            f"hydra.launcher.connection.endpoint={admin.endpoint}",
            "hydra.launcher.build=false",
            f"hydra.launcher.version={VERSION}",
            "hydra.launcher.wait=true",
            f"query={QUERY!r}",
            *SMALL_DATA,
            f"hydra.sweep.dir={tmp_path / 'sweep'}",
            "+hydra.callbacks.record._target_=support.job_returns.RecordJobReturns",
            f"+hydra.callbacks.record.path={tmp_path / 'returns.jsonl'}",
            cwd=tmp_path,
        )
        (launch_plan,) = [
            r for r in admin.calls("CreateLaunchPlan") if r.id.name != r.spec.workflow_id.name
        ]
        (job,) = [
            json.loads(line) for line in (tmp_path / "returns.jsonl").read_text().splitlines()
        ]
        yield admin, launch_plan.id.name, job


def execute(admin, *args: str, endpoint: bool = True) -> Execution:
    """``python -m infra.modes.execute --workflow <extra_inputs> args`` in this process."""
    flags = ["--endpoint", admin.endpoint] if endpoint else []
    return execute_command.main(["--workflow", MODULE, "--version", VERSION, *flags, *args])


def last_execution_inputs(admin) -> dict:
    return dict(admin.calls("CreateExecution")[-1].inputs.literals)


def test_a_waited_sweep_job_returns_the_workflow_outputs(registered):
    admin, _, job = registered
    assert job["status"] == "COMPLETED"
    assert "'predictions': [" in job["value"]
    (_, _, outputs), *_ = admin.executions.values()
    assert decoded(outputs.literals["predictions"], list[float]) == pytest.approx(
        [0.5, 1.5], abs=0.2
    )


def test_a_launch_plan_runs_with_a_new_input_and_config_overrides(registered, capsys):
    admin, launch_plan, _ = registered
    new_values = ["--input", "query=2.0", "--override", "model.degree=1", "data.seed=3", "--wait"]
    result = execute(admin, "--launch-plan", launch_plan, *new_values)
    inputs = last_execution_inputs(admin)
    assert decoded(inputs["query"], str) == "2.0"
    expected = plain(compose_config("extra_inputs", [f"query={QUERY!r}", *SMALL_DATA]))
    expected["model"]["degree"], expected["data"]["seed"] = 1, 3
    assert decoded(inputs["cfg"]) == expected
    assert "overrides" not in inputs  # keeps its registered default
    (prediction,) = result.outputs["predictions"]
    assert prediction < 5  # a line, not the cubic's 14.5 at x=2
    printed = capsys.readouterr().out
    assert f"execution {result.name}: http://{admin.endpoint}/console/" in printed
    assert "predictions = [" in printed


def test_a_launch_plan_runs_on_its_defaults_without_waiting(registered):
    admin, launch_plan, _ = registered
    result = execute(admin, "--launch-plan", launch_plan)
    assert last_execution_inputs(admin) == {}
    assert result.outputs is None


def test_a_workflow_takes_its_config_from_the_local_primary_config(registered):
    admin, _, _ = registered
    with pytest.raises(SystemExit, match=r"needs inputs \['overrides', 'query'\]"):
        execute(admin)
    inputs = ["--input", "query=0.5", 'overrides=["model.l2=0.1"]']
    overrides = ["--override", "data.n_samples=50"]
    execute(admin, *inputs, *overrides)
    inputs = last_execution_inputs(admin)
    assert decoded(inputs["cfg"]) == plain(compose_config("extra_inputs", ["data.n_samples=50"]))
    assert decoded(inputs["overrides"], list[str]) == ["model.l2=0.1"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--launch-plan", "nope"], f"launch plan nope version {VERSION} is not registered in"),
        (["--config-name", "nope"], "config 'nope' with []: Cannot find primary config 'nope'"),
        (["--override", "model.degre=2"], "cannot apply overrides ['model.degre=2']"),
        (["--input", "nope=1"], "unknown inputs ['nope']"),
        (["--input", "query"], "--input takes NAME=VALUE, got 'query'"),
    ],
)
def test_mistakes_are_explained(registered, args, message):
    admin, launch_plan, _ = registered
    if "--launch-plan" not in args and "--config-name" not in args:
        args = ["--launch-plan", launch_plan, *args]
    with pytest.raises(SystemExit) as exit_info:
        execute(admin, *args)
    assert message in str(exit_info.value)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_execute_runs_a_launch_plan_with_a_changed_extra_input(registered):
    admin, launch_plan, _ = registered
    variables = {
        "BIN": Path(sys.executable).parent,
        "WORKFLOW": "extra_inputs",
        "LAUNCH_PLAN": launch_plan,
        "VERSION": VERSION,
        "INPUTS": "query='1.5, -1.5'",
        "OVERRIDES": "model.l2=0.5",
        "WAIT": 1,
        "ENDPOINT": admin.endpoint,
    }
    command = ["make", "--no-print-directory", "execute"]
    command += [f"{name}={value}" for name, value in variables.items()]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert decoded(last_execution_inputs(admin)["query"], str) == "1.5, -1.5"
    assert "predictions = [" in result.stdout


def test_the_primary_configs_launcher_settings_are_the_ones_used(registered, tmp_path):
    admin, launch_plan, _ = registered
    conf = tmp_path / "conf"
    shutil.copytree(ROOT / "conf", conf)
    primary = conf / "extra_inputs.yaml"
    settings = "hydra:\n  launcher:\n    project: elsewhere\n"
    settings += f"    connection:\n      endpoint: {admin.endpoint}\n"
    primary.write_text(primary.read_text() + settings)
    with pytest.raises(SystemExit) as exit_info:  # the endpoint is the primary config's too
        execute(admin, "--config-dir", str(conf), "--launch-plan", launch_plan, endpoint=False)
    assert "project 'elsewhere' is not registered (or is archived)" in str(exit_info.value)


def test_the_command_line_explains_itself():
    command = [sys.executable, "-m", "infra.modes.execute"]
    shown = subprocess.run([*command, "--help"], cwd=ROOT, capture_output=True, text=True)
    assert shown.returncode == 0
    assert "Without ``--launch-plan`` the workflow's own launch plan runs." in shown.stdout
    refused = subprocess.run(
        [*command, "--workflow", MODULE, "--version", ""], cwd=ROOT, capture_output=True, text=True
    )
    assert refused.returncode == 2
    assert "--version needs the registered version (VERSION= for make execute)" in refused.stderr


def test_a_failed_execution_is_named_with_its_error(tmp_path):
    with serving(run_workflows=True) as admin:
        output = run_workflow_script(
            "extra_inputs",
            "-m",
            f"hydra.launcher.connection.endpoint={admin.endpoint}",
            "hydra.launcher.build=false",
            f"hydra.launcher.version={VERSION}",
            "hydra.launcher.wait=true",
            "data.test_fraction=1.5",
            f"hydra.sweep.dir={tmp_path / 'sweep'}",
            cwd=tmp_path,
            succeed=False,
        )
        ((execution, _, _),) = admin.executions.values()
    name = execution.id.name
    assert f"#0 failed: execution {name} ended FAILED: " in output
    assert "test_fraction must be between 0 and 1, got 1.5" in output
    assert f"/executions/{name})" in output  # and its console URL
