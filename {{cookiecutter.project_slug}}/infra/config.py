"""Typed settings of the launcher, as read from ``hydra.launcher`` (``conf/hydra/launcher/``).

Registered with Hydra's ConfigStore as the schema of the launcher config, so unknown keys and values
of the wrong type are refused when the config is composed, before anything runs. Kept free of heavy
imports: Hydra loads it on every start-up.
"""

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from omegaconf import MISSING


class Mode(Enum):
    """Where a multirun goes."""

    local = "local"  # one local execution per sweep job
    remote = "remote"  # build, register and execute on a Flyte cluster
    package = "package"  # write a Flyte package to register later; no cluster, no image build


@dataclass
class ConnectionConfig:
    """How to reach flyteadmin.

    With no endpoint, flytekit's standard configuration is used: ``config_file`` if given, else
    ``FLYTECTL_CONFIG`` or ``~/.flyte/config.yaml`` (``Config.auto()``). TLS is on unless the
    endpoint is on this machine or ``insecure`` says otherwise.
    """

    endpoint: str | None = None
    insecure: bool | None = None
    config_file: str | None = None
    timeout_seconds: float = 10.0


@dataclass
class ImageConfig:
    """A container image the tasks run in; its tag defaults to the workflow version."""

    repository: str = MISSING
    tag: str | None = None
    dockerfile: str = "Dockerfile"
    context: str = "."
    build_args: dict[str, str] = field(default_factory=dict)


@dataclass
class ScheduleConfig:
    """A cron schedule for the launch plan; activated when registered."""

    cron: str | None = None


@dataclass
class NotificationConfig:
    """Who hears about an execution reaching one of the given terminal phases."""

    phases: list[str] = field(default_factory=lambda: ["FAILED", "TIMED_OUT", "ABORTED"])
    email: list[str] = field(default_factory=list)
    slack: list[str] = field(default_factory=list)
    pagerduty: list[str] = field(default_factory=list)


@dataclass
class LauncherConfig:
    """Everything the launcher needs; see docs/launcher in the project's README."""

    _target_: str = MISSING
    mode: Mode = Mode.remote
    workflow: str | None = None  # the main workflow's name, if the module has several
    connection: ConnectionConfig = field(default_factory=ConnectionConfig)
    project: str = MISSING
    domain: str = "development"
    version: str | None = None  # default: derived from git, see infra/versioning.py
    force: bool = False  # register a dirty tree outside the development domain
    images: dict[str, ImageConfig] = field(default_factory=dict)  # "default" plus named extras
    build: bool = True
    push: bool = True
    builder: str = "auto"  # docker | podman | buildah | auto
    fast_register: bool = False
    run: bool = True
    wait: bool = False
    inputs: dict[str, Any] = field(default_factory=dict)  # non-config workflow inputs
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    notifications: NotificationConfig = field(default_factory=NotificationConfig)
    package_dir: str = "dist/flyte"
