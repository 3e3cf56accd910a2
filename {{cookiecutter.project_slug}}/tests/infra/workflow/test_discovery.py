"""Discovery: the importable module name, the main workflow, and everything it reaches."""

from types import ModuleType

import pytest
from flytekit import LaunchPlan, task, workflow

from infra.errors import LauncherError
from infra.workflow.discovery import (
    main_workflow,
    module_name,
    reachable,
    run_task,
    workflow_module,
)
from support.fixture_project import WORKFLOW_MODULES, WORKFLOW_NAMES, WORKFLOWS_DIR, tasks_of


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


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_every_task_is_named_after_its_importable_module(name):
    tasks = tasks_of(name)
    assert tasks, f"{name} reaches no task"
    for found in map(run_task, tasks):  # a map_task's, the task it maps
        function = found.task_function
        assert function.__module__ != "__main__"
        assert found.name == f"{function.__module__}.{function.__name__}"


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_a_script_run_as_main_is_found_under_its_package_name(name):
    module = WORKFLOW_MODULES[name]
    assert module_name(WORKFLOWS_DIR / f"{name}.py") == module.__name__
    assert workflow_module(module.main.__wrapped__) is module


def test_two_candidates_are_listed_and_one_can_be_chosen():
    module = module_of(inner=inner, outer=outer, other=other)
    with pytest.raises(LauncherError, match=r"found \['other', 'outer'\]; choose one with"):
        main_workflow(module)
    assert main_workflow(module, "other") is other


def test_a_named_workflow_that_is_not_there_lists_what_is():
    with pytest.raises(LauncherError, match=r"workflow 'nope' not found .* has: \['outer'\]"):
        main_workflow(module_of(outer=outer), "nope")


def test_a_file_outside_a_package_is_refused(tmp_path):
    with pytest.raises(LauncherError, match="is not inside a package"):
        module_name(tmp_path / "loose.py")
