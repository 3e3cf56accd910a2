"""Flyte's own command line, as the README's "Flyte's own CLI" section says: ``pyflyte run`` cannot
take a workflow's config, and its equivalents run, the cluster ones against a stand-in flyteadmin
(``make run-remote`` for ``pyflyte run --remote``, ``make register`` for ``pyflyte register``).
``pyflyte register --dry-run`` of a package's source is in test_package.py."""

import json
import shutil
import subprocess
import sys
from enum import Enum
from pathlib import Path

import pytest
from flytekit.core.workflow import WorkflowBase
from omegaconf import OmegaConf

from infra.workflow.binding import CONFIG_INPUT, bind_inputs, plain
from infra.workflow.discovery import reachable
from support.flyteadmin import FlyteAdmin, serving
from support.project import ROOT, WORKFLOW_NAMES, WORKFLOWS_DIR, compose_config, workflow_of

pytestmark = pytest.mark.slow  # each test runs pyflyte or make in new processes, as you do

BIN = Path(sys.executable).parent
VERSION = "cli-1"
# What flytekit 1.16's `pyflyte run` says when a DictConfig input is given a value.
DATACLASS_ONLY = "must be called with a dataclass type or instance"
CONFIG_FORMS = ["yaml file", "json string", "inputs file"]

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def workflow_inputs(name: str) -> dict:
    """Every input of the workflow ``name`` as plain values, bound from its primary config the
    way a launch binds them."""
    bound = bind_inputs(workflow_of(name), compose_config(name, hydra=True), {})
    return {input_name: plain(value) for input_name, value in bound.items()}


def enum_name(value: Enum) -> str:
    """An Enum value in JSON: its name, as a config file writes it."""
    return value.name


def option_value(value) -> str:
    """An input's value on pyflyte's command line: a string as it is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, default=enum_name)


def pyflyte_run_args(name: str, form: str, folder: Path) -> list[str]:
    """``pyflyte run``'s arguments after the workflow: every input, the config in ``form``."""
    inputs = workflow_inputs(name)
    if form == "inputs file":
        path = folder / "inputs.yaml"
        path.write_text(OmegaConf.to_yaml(inputs))
        return ["--inputs-file", str(path)]
    config = inputs.pop(CONFIG_INPUT)
    if form == "yaml file":
        path = folder / "cfg.yaml"
        path.write_text(OmegaConf.to_yaml(config))
        config_value = str(path)
    else:
        config_value = json.dumps(config, default=enum_name)
    args = [f"--{CONFIG_INPUT}", config_value]
    for input_name, value in inputs.items():
        args += [f"--{input_name}", option_value(value)]
    return args


@pytest.mark.parametrize("form", CONFIG_FORMS)
@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_pyflyte_run_cannot_take_the_config(name, form, tmp_path):
    workflow = workflow_of(name).name.rpartition(".")[2]
    command = [str(BIN / "pyflyte"), "run", str(WORKFLOWS_DIR / f"{name}.py"), workflow]
    command += pyflyte_run_args(name, form, tmp_path)
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode != 0 and DATACLASS_ONLY in output, (
        "pyflyte run behaves otherwise now: update the README's 'Flyte's own CLI' and this test\n"
        + output
    )


def make_remote(target: str, name: str, admin: FlyteAdmin, tmp_path: Path) -> str:
    """``make <target> WORKFLOW=<name> ENDPOINT=<the stand-in>``, images taken as pushed."""
    overrides = f"hydra.launcher.build=false hydra.launcher.version={VERSION}"
    overrides += f" hydra.sweep.dir={tmp_path / 'sweep'}"
    variables = {"BIN": BIN, "WORKFLOW": name, "ENDPOINT": admin.endpoint, "OVERRIDES": overrides}
    command = ["make", "--no-print-directory", target]
    command += [f"{variable}={value}" for variable, value in variables.items()]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


@needs_make
@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_make_run_remote_logs_each_executions_console_url(name, tmp_path, settings_of):
    settings = settings_of(name)
    with serving() as admin:
        output = make_remote("run-remote", name, admin, tmp_path)
    executions = [execution for execution, _, _ in admin.executions.values()]
    assert len(executions) == 1  # the primary config alone: one job
    (execution,) = executions
    assert execution.closure.workflow_id.name == workflow_of(name).name
    console = f"http://{admin.endpoint}/console/projects/{settings.project}"
    url = f"{console}/domains/{settings.domain}/executions/{execution.id.name}"
    assert url in output


@needs_make
def test_make_register_registers_without_running(tmp_path):
    name = WORKFLOW_NAMES[0]
    with serving() as admin:
        output = make_remote("register", name, admin, tmp_path)
    workflow = workflow_of(name)
    workflows = [found.name for found in reachable(workflow) if isinstance(found, WorkflowBase)]
    # the main workflow, after the sub-workflows it calls
    assert sorted(r.id.name for r in admin.calls("CreateWorkflow")) == sorted(workflows)
    assert admin.calls("CreateWorkflow")[-1].id.name == workflow.name
    assert all(r.id.version == VERSION for r in admin.calls("CreateTask"))
    assert not admin.calls("CreateExecution")
    assert "/executions/" not in output
