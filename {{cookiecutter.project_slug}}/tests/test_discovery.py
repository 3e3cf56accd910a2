"""Discovery: the importable module name, the main workflow, and everything it reaches."""

from types import ModuleType

import pytest
from flytekit import LaunchPlan, task, workflow

from {{ cookiecutter.package_name }}.workflows import multi_task

from conftest import WORKFLOWS_DIR
from infra.discovery import main_workflow, module_name, reachable, workflow_module
from infra.errors import LauncherError


@task
def double(x: int) -> int:
    return 2 * x


@workflow
def inner(x: int) -> int:
    return double(x=x)


inner_plan = LaunchPlan.get_or_create(inner, name="test_discovery.inner_plan")


@workflow
def outer(x: int) -> int:
    return inner_plan(x=inner(x=x))


@workflow
def other(x: int) -> int:
    return double(x=x)


def module_of(**entities) -> ModuleType:
    module = ModuleType("workflows_under_test")
    vars(module).update(entities)
    return module


def test_the_main_workflow_is_the_one_no_other_workflow_uses():
    assert main_workflow(module_of(inner=inner, outer=outer, double=double)) is outer


def test_everything_the_main_workflow_reaches_is_found_once():
    assert list(reachable(outer)) == [outer, inner, double, inner_plan]


def test_tasks_imported_from_another_module_are_reached():
    names = [entity.name for entity in reachable(multi_task.pipeline)]
    workflows = "{{ cookiecutter.package_name }}.workflows"
    assert names == [
        f"{workflows}.multi_task.pipeline",
        f"{workflows}.tasks.split_config",
        f"{workflows}.tasks.prepare_data",
        f"{workflows}.tasks.train",
        f"{workflows}.tasks.evaluate",
    ]


def test_two_candidates_are_listed_and_one_can_be_chosen():
    module = module_of(inner=inner, outer=outer, other=other)
    with pytest.raises(LauncherError, match=r"found \['other', 'outer'\]; choose one with"):
        main_workflow(module)
    assert main_workflow(module, "other") is other


def test_a_named_workflow_that_is_not_there_lists_what_is():
    with pytest.raises(LauncherError, match=r"workflow 'nope' not found .* has: \['outer'\]"):
        main_workflow(module_of(outer=outer), "nope")


def test_a_script_run_as_main_is_found_under_its_package_name():
    assert module_name(WORKFLOWS_DIR / "multi_task.py") == multi_task.__name__
    assert workflow_module(multi_task.main.__wrapped__) is multi_task


def test_a_file_outside_a_package_is_refused(tmp_path):
    with pytest.raises(LauncherError, match="is not inside a package"):
        module_name(tmp_path / "loose.py")
