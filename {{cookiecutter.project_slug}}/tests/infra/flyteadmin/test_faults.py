"""A faulty flyteadmin on 127.0.0.1 (silent, frozen, dying, slow, executions QUEUED forever): the
launcher, run like a user runs it, ends in bounded time with one error naming the endpoint, the
call and what was registered so far (docs/cluster.md, "Timeouts").

Each launch runs with deadlines of about a second. It is killed after ``KILLED_AFTER`` seconds,
and must end well before: in ``BOUND`` seconds, Python's start-up included (measured: 6-9 s).
"""

import re
import socket
import time

import pytest

from support.fixture_project import run_fixture, tasks_of
from support.flyteadmin import Faults, serving

pytestmark = pytest.mark.slow  # each test runs workflow files end to end, launcher included

# The workflow with the most tasks: a registration that can stop between two of them.
NAME = "cached"  # the fixture workflow of plain cached tasks, which all run
TASKS = [task.name for task in tasks_of(NAME)]
VERSION = "faults-1"
BOUND = 30
KILLED_AFTER = 90
CALL_TIMEOUT = "hydra.launcher.connection.call_timeout_seconds"


def launch(endpoint: str, *overrides: str, tmp_path, succeed: bool = False) -> tuple[str, float]:
    """``python <workflow>.py -m`` in remote mode with one-second deadlines: output, seconds."""
    started = time.monotonic()
    output = run_fixture(
        NAME,
        "-m",
        f"hydra.launcher.connection.endpoint={endpoint}",
        "hydra.launcher.connection.timeout_seconds=1",
        f"{CALL_TIMEOUT}=1",
        "hydra.launcher.connection.upload_timeout_seconds=1",
        "hydra.launcher.build=false",
        f"hydra.launcher.version={VERSION}",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
        *overrides,
        cwd=tmp_path,
        succeed=succeed,
        timeout=KILLED_AFTER,
        process=True,  # the bound is the user's wait for the whole command
    )
    return output, time.monotonic() - started


@pytest.fixture(scope="module")
def calls(tmp_path_factory) -> list[str]:
    """The gRPC calls a launch makes, in order, when flyteadmin answers them all."""
    with serving() as admin:
        launch(admin.endpoint, tmp_path=tmp_path_factory.mktemp("calls"), succeed=True)
        return [method for method, _ in admin.requests]


def test_a_listener_that_never_answers_fails_at_the_reachability_timeout(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as silent:  # the kernel accepts; nobody speaks
        endpoint = f"127.0.0.1:{silent.getsockname()[1]}"
        output, seconds = launch(endpoint, tmp_path=tmp_path)
    message = f"flyteadmin at {endpoint} did not answer within 1 s"
    assert f"{message} (hydra.launcher.connection.timeout_seconds)" in output
    assert seconds < BOUND


def test_a_grpc_server_that_never_answers_fails_at_the_first_calls_deadline(tmp_path, calls):
    with serving(faults=Faults(freeze_after=0)) as admin:
        output, seconds = launch(admin.endpoint, tmp_path=tmp_path)
        first = admin.requests[0][0]
    assert first == calls[0]
    said = re.escape(f"flyteadmin at {admin.endpoint} did not answer {first}")
    assert re.search(rf"{said}( for .+?)? within 1 s \({CALL_TIMEOUT}\)", output), output
    assert seconds < BOUND


def test_a_server_frozen_mid_registration_names_the_call_and_what_was_registered(tmp_path, calls):
    second_task = [i for i, method in enumerate(calls) if method == "CreateTask"][1]
    with serving(faults=Faults(freeze_after=second_task)) as admin:
        output, seconds = launch(admin.endpoint, tmp_path=tmp_path)
    assert (
        f"flyteadmin at {admin.endpoint} did not answer CreateTask for task {TASKS[1]} within "
        f"1 s ({CALL_TIMEOUT}). Registered before the failure (version {VERSION}): {TASKS[0]}\n"
    ) in output
    assert seconds < BOUND


def test_a_server_frozen_while_an_execution_is_watched_names_the_poll(tmp_path, calls):
    with serving(faults=Faults(freeze_after=len(calls))) as admin:
        output, seconds = launch(admin.endpoint, "hydra.launcher.wait=true", tmp_path=tmp_path)
        (execution,) = admin.executions.values()
    name = execution[0].id.name
    assert admin.requests[-1][0] == "GetExecution"  # the watch's first poll, never answered
    assert f"did not answer GetExecution for {name} within 1 s ({CALL_TIMEOUT})" in output
    assert seconds < BOUND


def test_a_server_dying_mid_registration_names_the_call_and_what_was_registered(tmp_path, calls):
    second_task = [i for i, method in enumerate(calls) if method == "CreateTask"][1]
    with serving(faults=Faults(die_after=second_task)) as admin:
        output, seconds = launch(admin.endpoint, tmp_path=tmp_path)
    message = f"flyteadmin at {admin.endpoint} went away during CreateTask for task {TASKS[1]}"
    assert f"{message}: UNAVAILABLE " in output
    assert f". Registered before the failure (version {VERSION}): {TASKS[0]}\n" in output
    assert seconds < BOUND


def test_a_slow_server_within_the_deadline_serves_the_launch(tmp_path, calls):
    delay = 0.3
    with serving(faults=Faults(delay_seconds=delay)) as admin:
        output, seconds = launch(admin.endpoint, tmp_path=tmp_path, succeed=True)
        answered = [method for method, _ in admin.requests]
    assert answered == calls
    assert "Started" in output and "did not answer" not in output
    assert delay * len(calls) < seconds < BOUND + delay * len(calls)


def test_an_execution_queued_forever_fails_at_the_wait_limit(tmp_path):
    waiting = ["hydra.launcher.wait=true", "hydra.launcher.wait_timeout_seconds=2"]
    with serving() as admin:  # its executions stay QUEUED
        output, seconds = launch(
            admin.endpoint, *waiting, "hydra.launcher.poll_seconds=0.5", tmp_path=tmp_path
        )
        (execution,) = admin.executions.values()
        polls = len(admin.calls("GetExecution"))
    name = execution[0].id.name
    assert (
        f"execution {name} is still QUEUED after the wait limit of 2 s "
        "(hydra.launcher.wait_timeout_seconds)"
    ) in output
    assert polls >= 3  # polled, not waited on once
    assert 2 < seconds < BOUND


def test_an_upload_that_stalls_fails_at_the_upload_timeout(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as silent, serving() as admin:
        admin.upload_url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        output, seconds = launch(
            admin.endpoint, "hydra.launcher.fast_register=true", tmp_path=tmp_path
        )
    (upload,) = admin.calls("CreateUploadLocation")
    assert f"uploading {upload.filename} to {admin.upload_url}/" in output
    assert "stalled for 1 s (hydra.launcher.connection.upload_timeout_seconds)" in output
    assert not admin.calls("CreateTask")
    assert seconds < BOUND
