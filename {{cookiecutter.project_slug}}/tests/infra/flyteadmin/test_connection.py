"""Reaching flyteadmin (infra/flyteadmin/connection.py): the endpoint's form, TLS, the config file,
a probe that fails fast and names the endpoint, and the project and domain flyteadmin must have."""

import re
import socket
import time

import pytest
from flytekit.exceptions.user import FlyteEntityNotExistException

from infra.errors import LauncherError
from infra.flyteadmin.connection import check_endpoint, connect, flyte_config, probe
from infra.settings.schema import ConnectionConfig
from support.flyteadmin import FIXTURE_PROJECT, Project
from support.ports import free_port


def test_the_probe_reports_a_refused_connection_without_waiting_for_its_timeout():
    config = flyte_config(ConnectionConfig(endpoint=f"127.0.0.1:{free_port()}"))
    started = time.monotonic()
    with pytest.raises(LauncherError, match="cannot connect to flyteadmin at 127.0.0.1:"):
        probe(config, timeout=30)
    assert time.monotonic() - started < 10  # measured: about 0.2 s


def test_the_probe_gives_up_on_a_silent_endpoint_at_its_timeout():
    with socket.create_server(("127.0.0.1", 0)) as silent:
        endpoint = f"127.0.0.1:{silent.getsockname()[1]}"
        started = time.monotonic()
        with pytest.raises(LauncherError, match=f"{endpoint} did not answer within 0.5 s"):
            probe(flyte_config(ConnectionConfig(endpoint=endpoint)), timeout=0.5)
        assert time.monotonic() - started < 2


def test_connect_gives_a_remote_that_reaches_a_running_flyteadmin(flyteadmin):
    connection = ConnectionConfig(endpoint=flyteadmin.endpoint)
    remote = connect(flyte_config(connection), connection, FIXTURE_PROJECT, "development")
    with pytest.raises(FlyteEntityNotExistException):
        remote.fetch_task(name="nothing.here", version="v1")
    asked = {(request.id.project, request.id.name) for request in flyteadmin.calls("GetTask")}
    assert asked == {(FIXTURE_PROJECT, "nothing.here")}


@pytest.mark.parametrize(
    ("state", "domain", "message"),
    [
        (
            None,
            "development",
            "is not registered (or is archived) on flyteadmin at {endpoint}: "
            "create it with `flytectl create project --id {project} --name {project}`",
        ),
        (Project.ARCHIVED, "development", "is not registered (or is archived) on flyteadmin"),
        (
            Project.SYSTEM_GENERATED,
            "development",
            "on flyteadmin at {endpoint} is "
            "SYSTEM_GENERATED, not ACTIVE: activate it with `flytectl update project -p {project} "
            "--activate`",
        ),
        (
            Project.ACTIVE,
            "qa",
            "hydra.launcher.domain='qa' is not a domain of flyteadmin at "
            "{endpoint}; it has development, staging, production",
        ),
    ],
)
def test_connect_refuses_a_project_flyteadmin_would_refuse(flyteadmin, state, domain, message):
    flyteadmin.projects = {"other": Project.ACTIVE}
    if state is not None:
        flyteadmin.projects[FIXTURE_PROJECT] = state
    connection = ConnectionConfig(endpoint=flyteadmin.endpoint)
    expected = message.format(endpoint=flyteadmin.endpoint, project=FIXTURE_PROJECT)
    with pytest.raises(LauncherError, match=re.escape(expected)):
        connect(flyte_config(connection), connection, FIXTURE_PROJECT, domain)
    assert {method for method, _ in flyteadmin.requests} == {"ListProjects"}


def test_the_project_is_found_on_any_page_of_the_listing(flyteadmin):
    flyteadmin.projects |= {f"a-team-{n:03}": Project.ACTIVE for n in range(250)}
    connection = ConnectionConfig(endpoint=flyteadmin.endpoint)
    connect(
        flyte_config(connection), connection, FIXTURE_PROJECT, "development"
    )  # sorted after them
    assert len(flyteadmin.calls("ListProjects")) == 3


@pytest.mark.parametrize(
    ("endpoint", "insecure"),
    [
        ("localhost:30080", True),
        ("127.0.0.2:81", True),
        ("[::1]:8089", True),
        ("flyte.example.com:443", False),
        ("127.0.0.1.example.com:443", False),
    ],
)
def test_tls_is_on_except_for_this_machine(endpoint, insecure):
    assert flyte_config(ConnectionConfig(endpoint=endpoint)).platform.insecure is insecure
    forced = flyte_config(ConnectionConfig(endpoint=endpoint, insecure=not insecure))
    assert forced.platform.insecure is not insecure


@pytest.mark.parametrize("endpoint", ["http://localhost:30080", "localhost", "host:99999", ""])
def test_an_endpoint_must_be_host_and_port(endpoint):
    with pytest.raises(LauncherError, match="hydra.launcher.connection.endpoint: must"):
        check_endpoint(endpoint)


def test_a_missing_config_file_is_named(tmp_path):
    missing = tmp_path / "config.yaml"
    with pytest.raises(LauncherError, match=f"config_file {missing} does not exist"):
        flyte_config(ConnectionConfig(config_file=str(missing)))
