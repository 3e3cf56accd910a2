"""Every flytekit construct of the fixture project (plain cached tasks, ``map_task``,
``@dynamic``, a sub-workflow in a ``conditional``, FlyteFile, FlyteDirectory, StructuredDataset)
through every mode: a local sweep, package mode and the stand-in flyteadmin running what was
registered; and ``hydra.launcher.tasks`` reaching a mapped task, a task in a conditional branch,
or refusing a task that a ``@dynamic`` launches with where to set it instead."""

import re

import pytest
import yaml

from infra.errors import LauncherError
from infra.settings.tasks import task_settings
from infra.workflow.discovery import run_task
from support.fixture_project import (
    WORKFLOW_NAMES,
    fixture_package_manifest,
    fixture_sweep,
    group_sweep,
    package_fixture,
    run_fixture,
    workflow_of,
)
from support.flyteadmin import serving
from support.literals import decoded
from support.packages import read_package

# What each fixture workflow returns for each option of the size group, worked out by hand.
RESULTS = {
    "cached": {"small": "fixture: 2.0", "large": "fixture: 16.0"},
    "mapped": {"small": 1, "large": 14},
    "dynamic": {"small": 0.5, "large": 3.75},
    "branching": {"small": -2, "large": 16},
    "files": {"small": "2 rows, 2 files", "large": "4 rows, 4 files"},
}
# The function names of the tasks each workflow registers: a map_task's is its array node, a
# @dynamic's tasks are created when it runs, each branch of a conditional is registered.
REGISTERED = {
    "cached": {"numbers", "total"},
    "mapped": {"seeds", "map_square-arraynode", "add_up"},
    "dynamic": {"folds"},
    "branching": {"count_of", "double", "negate"},
    "files": {"write_table", "write_files", "summary"},
}
VERSION = "constructs-1"


def function_name(task_name: str) -> str:
    """``add_up`` for ``fixture_flows.workflows.mapped.add_up``; a map_task's array node without
    flytekit's hash: ``map_square-arraynode``."""
    return re.sub(r"_[0-9a-f]{32}-arraynode$", "-arraynode", task_name.rpartition(".")[2])


def option(job: dict) -> str:
    """The size option of a job's overrides."""
    (chosen,) = [o.partition("=")[2] for o in job["overrides"] if o.startswith("size=")]
    return chosen


pytestmark = pytest.mark.slow  # each test runs the fixture's workflow files end to end


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_a_local_sweep_runs_each_construct_to_its_result(name, tmp_path):
    jobs = fixture_sweep(name, *group_sweep(name), tmp_path=tmp_path)
    assert [job["status"] for job in jobs] == ["COMPLETED", "COMPLETED"]
    assert {option(job): job["value"] for job in jobs} == {
        size: repr(value) for size, value in RESULTS[name].items()
    }


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_the_package_holds_every_task_the_construct_registers(name, tmp_path):
    package_fixture(name, *group_sweep(name), tmp_path=tmp_path, version=VERSION)
    manifest = fixture_package_manifest(name, tmp_path, VERSION)
    tasks = read_package(tmp_path / "dist" / manifest["package"])["1"]
    assert {function_name(spec.template.id.name) for spec in tasks} == REGISTERED[name]
    assert len(manifest["launch_plans"]) == 2


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_the_stand_in_registers_and_runs_each_construct(name, tmp_path):
    with serving(run_workflows=True, progress=True) as admin:
        run_fixture(
            name,
            "-m",
            f"hydra.launcher.connection.endpoint={admin.endpoint}",
            "hydra.launcher.build=false",
            f"hydra.launcher.version={VERSION}",
            "hydra.launcher.wait=true",
            "hydra.launcher.poll_seconds=0.05",
            f"hydra.sweep.dir={tmp_path / 'sweep'}",
            *group_sweep(name),
            cwd=tmp_path,
        )
        created = {function_name(r.id.name) for r in admin.calls("CreateTask")}
        outputs = [literals for _, _, literals in admin.executions.values()]
    assert created == REGISTERED[name]
    assert not admin.refusals
    output_type = workflow_of(name).python_interface.outputs["o0"]
    results = sorted(decoded(literals.literals["o0"], output_type) for literals in outputs)
    assert results == sorted(RESULTS[name].values())


@pytest.mark.parametrize(
    ("name", "key"), [("mapped", "square"), ("branching", "double"), ("cached", "total")]
)
def test_task_settings_reach_a_mapped_task_and_a_task_in_a_branch(name, key, tmp_path):
    settings = ["limits.memory=3Gi", "requests.cpu=1", "retries=4"]
    overrides = [f"++hydra.launcher.tasks.{key}.{setting}" for setting in settings]
    package_fixture(name, *overrides, tmp_path=tmp_path, version=VERSION)
    manifest = fixture_package_manifest(name, tmp_path, VERSION)
    ((task, values),) = [
        (task, values)
        for task, values in manifest["tasks"].items()
        if function_name(task).removeprefix("map_").removesuffix("-arraynode") == key
    ]
    assert values["limits"]["memory"] == "3Gi" and values["requests"]["cpu"] == "1"
    assert values["retries"] == 4
    others = [values for other, values in manifest["tasks"].items() if other != task]
    assert all(values["retries"] != 4 for values in others)


def test_the_primary_configs_gpu_settings_reach_their_task(settings_of):
    configured = settings_of("cached").tasks
    settings = task_settings(workflow_of("cached"), configured, {"default": "r:v1"})
    ((name, applied),) = settings.items()
    assert function_name(name) == "total"
    assert applied.resources.requests.gpu == applied.resources.limits.gpu == "1"
    assert applied.retries == 1


def test_a_task_a_dynamic_launches_is_refused_saying_where_to_set_it():
    with pytest.raises(LauncherError) as raised:
        task_settings(workflow_of("dynamic"), {"fold_score": {"retries": 2}}, {"default": "r:v1"})
    message = str(raised.value)
    assert "hydra.launcher.tasks.fold_score" in message
    assert "launched by the @dynamic task fixture_flows.workflows.dynamic.folds" in message
    assert "@task(requests=Resources(...)" in message
    assert "fold_score(...).with_overrides(" in message and "inside folds" in message


def test_the_mapped_tasks_own_resources_are_checked_with_the_configured_ones():
    (mapped,) = [t for t in workflow_of("mapped").nodes if "arraynode" in t.flyte_entity.name]
    assert run_task(mapped.flyte_entity).name == "fixture_flows.workflows.mapped.square"
    with pytest.raises(LauncherError, match="a request must not exceed its limit"):
        bad = {"square": yaml.safe_load("{requests: {memory: 2Gi}, limits: {memory: 1Gi}}")}
        task_settings(workflow_of("mapped"), bad, {"default": "r:v1"})
