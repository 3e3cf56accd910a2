"""Remote mode over the wire: the launcher runs like a user runs it, against a stand-in flyteadmin
(tests/support/flyteadmin.py) that records what FlyteRemote sent and refuses what flyteadmin
refuses."""

import json
import re
import time
from typing import NamedTuple

import grpc
import pytest
from flyteidl.admin import launch_plan_pb2, workflow_pb2
from flyteidl.core import execution_pb2

from infra.workflow.binding import plain
from support.fixture_project import (
    compose_config,
    group_sweep,
    run_fixture,
    tasks_of,
    workflow_of,
)
from support.flyteadmin import FlyteAdmin, key, serving
from support.literals import decoded
from support.ports import free_port

pytestmark = pytest.mark.slow  # each test runs workflow files end to end, launcher included

# The sweep below runs the workflow with the most tasks, over every option of its first group.
NAME = "cached"  # the fixture workflow of plain cached tasks, which all run
WORKFLOW = workflow_of(NAME).name
TASKS = [task.name for task in tasks_of(NAME)]
SWEEP = group_sweep(NAME)
JOBS = [[f"{SWEEP[0].partition('=')[0]}={option}"] for option in SWEEP[0].split("=")[1].split(",")]
VERSION = "remote-1"


def launch(
    admin, workflow: str, *overrides: str, tmp_path, succeed: bool = True, process: bool = False
) -> str:
    """``python <workflow>.py -m`` in remote mode against ``admin``, images taken as pushed."""
    return run_fixture(
        workflow,
        "-m",
        f"hydra.launcher.connection.endpoint={admin.endpoint}",
        "hydra.launcher.build=false",
        f"hydra.launcher.version={VERSION}",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        "+hydra.callbacks.record._target_=support.job_returns.RecordJobReturns",
        f"+hydra.callbacks.record.path={tmp_path / 'returns.jsonl'}",
        *overrides,
        cwd=tmp_path,
        succeed=succeed,
        process=process,
    )


def job_returns(tmp_path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "returns.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """A two-job sweep with a schedule and notifications, launched twice on one stand-in, the
    second time in a new process: what it registers again must be the same to the byte."""
    tmp_path = tmp_path_factory.mktemp("sweep")
    overrides = [
        *SWEEP,
        "hydra.launcher.schedule.cron=0 6 * * *",
        "hydra.launcher.notifications.email=[team@example.com]",
        "hydra.launcher.notifications.slack=[alerts@example.com]",
        "hydra.launcher.notifications.phases=[FAILED,SUCCEEDED]",
    ]
    with serving() as admin:
        first = launch(admin, NAME, *overrides, tmp_path=tmp_path)
        first_requests = list(admin.requests)
        second = launch(admin, NAME, *overrides, tmp_path=tmp_path, process=True)
        yield Sweep(admin, first_requests, [first, second], job_returns(tmp_path))


class Sweep(NamedTuple):
    admin: FlyteAdmin  # after both runs
    first: list  # (method, request) of the first run
    outputs: list[str]  # of both runs
    returns: list[dict]  # JobReturns of both runs

    def first_calls(self, method: str) -> list:
        return [request for name, request in self.first if name == method]


def job_launch_plans(requests) -> list:
    """CreateLaunchPlan requests of sweep jobs (not of a workflow's default launch plan)."""
    return [r for r in requests if r.id.name != r.spec.workflow_id.name]


def test_everything_is_registered_once_under_one_version(sweep, settings_of):
    settings = settings_of(NAME)
    names = [request.id.name for request in sweep.first_calls("CreateTask")]
    assert names == TASKS
    assert [r.id.name for r in sweep.first_calls("CreateWorkflow")] == [WORKFLOW]
    assert len(sweep.first_calls("CreateLaunchPlan")) == 1 + len(JOBS)  # the default, one per job
    kinds = ("CreateTask", "CreateWorkflow", "CreateLaunchPlan")
    requests = [request for kind in kinds for request in sweep.first_calls(kind)]
    assert {(r.id.project, r.id.domain, r.id.version) for r in requests} == {
        (settings.project, settings.domain, VERSION)
    }


def test_task_templates_name_the_image_and_the_task_module(sweep, settings_of):
    image = settings_of(NAME).images["default"].repository
    for request in sweep.first_calls("CreateTask"):
        container = request.spec.template.container
        assert container.image == f"{image}:{VERSION}"
        args = list(container.args)
        assert args[0] == "pyflyte-execute" and "--resolver" in args
        module, _, function = request.id.name.rpartition(".")
        assert args[-4:] == ["task-module", module, "task-name", function]


def test_each_job_has_a_launch_plan_with_its_config_schedule_and_notifications(sweep):
    plans = job_launch_plans(sweep.first_calls("CreateLaunchPlan"))
    for request, overrides in zip(plans, JOBS, strict=True):
        spec = request.spec
        assert spec.workflow_id.name == WORKFLOW and spec.workflow_id.version == VERSION
        cfg = spec.default_inputs.parameters["cfg"].default
        assert decoded(cfg) == plain(compose_config(NAME, overrides))
        assert spec.entity_metadata.schedule.cron_schedule.schedule == "0 6 * * *"
        email, slack = spec.entity_metadata.notifications
        assert list(email.email.recipients_email) == ["team@example.com"]
        assert list(slack.slack.recipients_email) == ["alerts@example.com"]
        phases = [execution_pb2.WorkflowExecution.FAILED, execution_pb2.WorkflowExecution.SUCCEEDED]
        assert list(email.phases) == phases
    activations = sweep.first_calls("UpdateLaunchPlan")
    assert [r.id.name for r in activations] == [request.id.name for request in plans]
    assert all(r.state == launch_plan_pb2.ACTIVE for r in activations)


def test_one_execution_per_job_from_its_launch_plan_each_run(sweep):
    executions = sweep.admin.calls("CreateExecution")
    plans = [r.id.name for r in job_launch_plans(sweep.first_calls("CreateLaunchPlan"))]
    assert [request.spec.launch_plan.name for request in executions] == plans * 2
    assert all(request.spec.launch_plan.version == VERSION for request in executions)
    assert all(not request.inputs.literals for request in executions)  # the defaults hold it all
    assert [job["status"] for job in sweep.returns] == ["COMPLETED"] * 2 * len(JOBS)
    console = f"http://{sweep.admin.endpoint}/console/projects/"
    assert all(f"url='{console}" in job["value"] for job in sweep.returns)
    for output in sweep.outputs:  # each execution's URL logged as it starts, and in the summary
        started = re.findall(r"Started \S+ as (\S+): (\S+)", output)
        assert len(started) == len(JOBS) and all(url.startswith(console) for _, url in started)
        assert all(f"| {name} | QUEUED | {url} |" in output for name, url in started)


def test_flyteadmin_refuses_nothing_the_launcher_sends(sweep):
    """Only the second run's re-registrations are answered "already exists"; nothing else is
    refused by the stand-in's flyteadmin rules (project, task, workflow, launch plan, execution)."""
    codes = {code for _, code, _ in sweep.admin.refusals}
    assert codes == {grpc.StatusCode.ALREADY_EXISTS}
    refused = {method for method, _, _ in sweep.admin.refusals}
    assert refused == {"CreateTask", "CreateWorkflow", "CreateLaunchPlan"}


def test_identical_re_registration_is_not_an_error(sweep):
    stored = {kind: len(specs) for kind, specs in sweep.admin.entities.items()}
    assert stored == {"task": len(TASKS), "workflow": 1, "lp": 1 + len(JOBS)}
    assert "conflict" not in sweep.outputs[1]
    assert len(sweep.admin.calls("CreateExecution")) == 2 * len(JOBS)


def test_a_changed_entity_under_a_registered_version_is_a_conflict(
    flyteadmin, tmp_path, settings_of
):
    launcher = settings_of(NAME)
    other = workflow_pb2.WorkflowCreateRequest()
    other.id.resource_type = 2  # WORKFLOW
    other.id.project, other.id.domain = launcher.project, launcher.domain
    other.id.name, other.id.version = WORKFLOW, VERSION
    other.spec.template.metadata.on_failure = 1  # some other content under this name and version
    flyteadmin.entities["workflow"][key(other.id)] = other.spec
    output = launch(flyteadmin, NAME, tmp_path=tmp_path, succeed=False)
    assert f"conflict: workflow {WORKFLOW} version {VERSION} is already registered with" in output
    assert "different structure" in output
    registered = ", ".join(TASKS)
    assert f"Registered before the failure (version {VERSION}): {registered}" in output
    assert not flyteadmin.calls("CreateLaunchPlan") and not flyteadmin.calls("CreateExecution")


def test_fast_registration_uploads_the_source_and_points_the_tasks_at_it(flyteadmin, tmp_path):
    launch(
        flyteadmin,
        NAME,
        "hydra.launcher.fast_register=true",
        "hydra.launcher.run=false",
        tmp_path=tmp_path,
    )
    (upload,) = flyteadmin.calls("CreateUploadLocation")
    (path,) = flyteadmin.uploads
    assert path.endswith(upload.filename) and upload.filename.endswith(".tar.gz")
    for task in flyteadmin.calls("CreateTask"):
        args = list(task.spec.template.container.args)
        assert args[:3] == [
            "pyflyte-fast-execute",
            "--additional-distribution",
            f"s3://stand-in/{path}",
        ]
    assert not flyteadmin.calls("CreateExecution")
    (launch_plan,) = job_launch_plans(flyteadmin.calls("CreateLaunchPlan"))
    assert job_returns(tmp_path)[0]["value"] == repr(launch_plan.id.name)


def test_a_missing_project_fails_before_any_image_step_and_says_how_to_create_it(
    flyteadmin, tools, tmp_path, settings_of
):
    project = settings_of(NAME).project
    flyteadmin.projects = {"someone-else": 0}
    tools.add("docker")
    output = run_fixture(
        NAME,
        "-m",
        f"hydra.launcher.connection.endpoint={flyteadmin.endpoint}",
        f"hydra.sweep.dir={tmp_path}",
        cwd=tmp_path,
        succeed=False,
    )
    assert (
        f"project {project!r} is not registered (or is archived) on flyteadmin at "
        f"{flyteadmin.endpoint}: create it with `flytectl create project --id {project} "
        f"--name {project}`"
    ) in output
    assert [call for call in tools.calls if call != ["info"]] == []  # nothing built or pushed
    assert {method for method, _ in flyteadmin.requests} == {"ListProjects"}


def test_an_unreachable_endpoint_fails_fast_and_names_it(tmp_path):
    endpoint = f"127.0.0.1:{free_port()}"
    started = time.monotonic()
    output = run_fixture(
        NAME,
        "-m",
        f"hydra.launcher.connection.endpoint={endpoint}",
        "hydra.launcher.build=false",
        f"hydra.sweep.dir={tmp_path}",
        cwd=tmp_path,
        succeed=False,
    )
    assert f"cannot connect to flyteadmin at {endpoint}" in output
    assert time.monotonic() - started < 20  # including Python start-up and imports


def test_config_values_are_checked_before_any_network_call(tmp_path):
    endpoint = f"127.0.0.1:{free_port()}"
    output = run_fixture(
        NAME,
        "-m",
        f"hydra.launcher.connection.endpoint={endpoint}",
        "hydra.launcher.schedule.cron=every day",
        f"hydra.sweep.dir={tmp_path}",
        cwd=tmp_path,
        succeed=False,
    )
    assert "hydra.launcher.schedule.cron='every day' is invalid" in output
    assert endpoint not in output


def test_a_missing_image_tool_is_reported_before_any_network_call(tmp_path):
    endpoint = f"127.0.0.1:{free_port()}"
    output = run_fixture(
        NAME,
        "-m",
        f"hydra.launcher.connection.endpoint={endpoint}",
        f"hydra.sweep.dir={tmp_path}",
        cwd=tmp_path,
        succeed=False,
        path=str(tmp_path / "no-tools"),
    )
    assert "cannot build images here: docker is not on PATH" in output
    assert endpoint not in output


def test_the_wait_limit_names_each_execution_still_running(flyteadmin, tmp_path):
    limit = ["hydra.launcher.wait_timeout_seconds=0.3", "hydra.launcher.poll_seconds=0.1"]
    waiting = ["hydra.launcher.wait=true", *limit]
    output = launch(flyteadmin, NAME, *SWEEP, *waiting, tmp_path=tmp_path, succeed=False)
    rows = json.loads((tmp_path / "sweep" / "summary.json").read_text())
    assert [row["overrides"] for row in rows] == JOBS
    for row in rows:  # the stand-in's executions stay QUEUED
        message = (
            f"execution {row['execution']} is still QUEUED after the wait limit of 0.3 s "
            "(hydra.launcher.wait_timeout_seconds)"
        )
        assert row["status"] == "FAILED" and row["error"].startswith(message)
        assert f"#{row['job']} failed: {message}" in output
