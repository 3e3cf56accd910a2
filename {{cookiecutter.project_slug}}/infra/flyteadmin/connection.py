"""Reaching flyteadmin: flytekit's config from the launcher settings, a quick reachability check
that names the endpoint, a check that the project is there to register into, and the FlyteRemote
everything else goes through."""

import queue
import time
from pathlib import Path

import grpc
from flyteidl.admin.project_pb2 import Project, ProjectListRequest
from flytekit.clients.auth_helper import get_channel
from flytekit.configuration import Config
from flytekit.remote import FlyteRemote

from infra.errors import LauncherError
from infra.flyteadmin.calls import call_deadline, calling
from infra.settings import rules
from infra.settings.hosts import is_this_machine
from infra.settings.schema import ConnectionConfig

# Pages of projects read before giving up: a bound on the listing, 10 000 projects.
PROJECT_PAGES = 100


def flyte_config(connection: ConnectionConfig) -> Config:
    """flytekit's ``Config`` for the endpoint (TLS unless local or ``insecure``), with the
    config file's other settings; without an endpoint, the config file's (``Config.auto()``)."""
    config_file = connection.config_file and str(Path(connection.config_file).expanduser())
    if config_file and not Path(config_file).is_file():
        raise LauncherError(f"hydra.launcher.connection.config_file {config_file} does not exist")
    if connection.endpoint is None:
        return Config.auto(config_file)
    host = check_endpoint(connection.endpoint)
    local = is_this_machine(host)
    insecure = connection.insecure if connection.insecure is not None else local
    return Config.for_endpoint(connection.endpoint, insecure=insecure, config_file=config_file)


def check_endpoint(endpoint: str) -> str:
    """The host of a ``host:port`` endpoint (infra/settings/rules.py); anything else is refused."""
    problem = rules.check_endpoint(endpoint)
    if problem is not None:
        raise LauncherError(
            f"hydra.launcher.connection.endpoint: {problem} (got {endpoint!r}), "
            "e.g. localhost:30080 or flyte.example.com:443"
        )
    return endpoint.rpartition(":")[0]


def connect(config: Config, connection: ConnectionConfig, project: str, domain: str) -> FlyteRemote:
    """A FlyteRemote on flyteadmin, once it has answered (see ``probe``, bounded by
    ``connection.timeout_seconds``) and has the project (a call bounded like every other)."""
    probe(config, connection.timeout_seconds)
    remote = FlyteRemote(config, default_project=project, default_domain=domain)
    listing = f"ListProjects for project {project}"
    with call_deadline(connection.call_timeout_seconds), calling(remote, listing):
        check_project(remote, project, domain)
    return remote


def check_project(remote: FlyteRemote, project: str, domain: str) -> None:
    """flyteadmin refuses everything in a project it does not have or that is not active, and
    in a domain it does not know: say so now, before any image is built, with the fix."""
    endpoint = remote.config.platform.endpoint
    found = _listed_project(remote, project)
    if found is None:
        raise LauncherError(
            f"project {project!r} is not registered (or is archived) on flyteadmin at {endpoint}: "
            f"create it with `flytectl create project --id {project} --name {project}`, or set "
            "hydra.launcher.project to one that exists"
        )
    if found.state != Project.ACTIVE:
        state = Project.ProjectState.Name(found.state)
        raise LauncherError(
            f"project {project!r} on flyteadmin at {endpoint} is {state}, not ACTIVE: "
            f"activate it with `flytectl update project -p {project} --activate`"
        )
    domains = [known.id for known in found.domains]
    if domain not in domains:
        raise LauncherError(
            f"hydra.launcher.domain={domain!r} is not a domain of flyteadmin at {endpoint}; "
            f"it has {', '.join(domains)}"
        )


def _listed_project(remote: FlyteRemote, project: str) -> Project | None:
    """The project as flyteadmin lists it (archived ones are not listed), or None."""
    token = ""
    for _ in range(PROJECT_PAGES):
        page = remote.client.list_projects(ProjectListRequest(limit=100, token=token))
        for listed in page.projects:
            if listed.id == project:
                return listed
        if not page.token:
            return None
        token = page.token
    return None


def probe(config: Config, timeout: float) -> None:
    """Open a channel like flytekit does and fail within ``timeout`` seconds, naming the endpoint,
    unless it connects. A refused connection fails at once; silence fails at the timeout."""
    platform = config.platform
    states: queue.SimpleQueue = queue.SimpleQueue()
    channel = get_channel(platform)
    channel.subscribe(states.put, try_to_connect=True)
    deadline = time.monotonic() + timeout
    try:
        while (left := deadline - time.monotonic()) > 0:
            try:
                state = states.get(timeout=left)
            except queue.Empty:
                break
            if state is grpc.ChannelConnectivity.READY:
                return
            if state is grpc.ChannelConnectivity.TRANSIENT_FAILURE:
                transport = "plain gRPC" if platform.insecure else "TLS"
                raise LauncherError(
                    f"cannot connect to flyteadmin at {platform.endpoint} ({transport}): check "
                    "the endpoint, that flyteadmin runs, and hydra.launcher.connection.insecure"
                )
        raise LauncherError(
            f"flyteadmin at {platform.endpoint} did not answer within {timeout:g} s "
            "(hydra.launcher.connection.timeout_seconds)"
        )
    finally:
        channel.unsubscribe(states.put)
        channel.close()
