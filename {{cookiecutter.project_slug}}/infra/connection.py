"""Reaching flyteadmin: flytekit's config from the launcher settings, a quick reachability check
that names the endpoint, and the FlyteRemote everything else goes through."""

import queue
import time
from pathlib import Path

import grpc
from flytekit.clients.auth_helper import get_channel
from flytekit.configuration import Config
from flytekit.remote import FlyteRemote

from infra import rules
from infra.config import ConnectionConfig
from infra.errors import LauncherError
from infra.hosts import is_this_machine


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
    """The host of a ``host:port`` endpoint (infra/rules.py); anything else is refused."""
    problem = rules.check_endpoint(endpoint)
    if problem is not None:
        raise LauncherError(
            f"hydra.launcher.connection.endpoint: {problem} (got {endpoint!r}), "
            "e.g. localhost:30080 or flyte.example.com:443"
        )
    return endpoint.rpartition(":")[0]


def connect(config: Config, timeout: float, project: str, domain: str) -> FlyteRemote:
    """A FlyteRemote on flyteadmin, once it has answered (see ``probe``)."""
    probe(config, timeout)
    return FlyteRemote(config, default_project=project, default_domain=domain)


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
