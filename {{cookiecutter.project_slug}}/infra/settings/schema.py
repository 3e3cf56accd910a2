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

    ``endpoint`` is ``host:port``. Without it, flytekit's standard configuration is read:
    ``config_file`` if given, else ``FLYTECTL_CONFIG`` or ``~/.flyte/config.yaml``; that file also
    holds authentication settings, used with an endpoint too. TLS is on unless the endpoint is on
    this machine or ``insecure`` says otherwise.
    """

    endpoint: str | None = None
    insecure: bool | None = None
    config_file: str | None = None
    # Deadlines (docs/cluster.md "Timeouts"): past one, the launch fails naming the endpoint
    timeout_seconds: float = 5.0  # how long the reachability check waits for flyteadmin
    call_timeout_seconds: float = 30.0  # each gRPC call to flyteadmin
    upload_timeout_seconds: float = 60.0  # fast registration's upload: connecting, each stall


@dataclass
class ImageConfig:
    """A container image the tasks run in; its tag defaults to the workflow version."""

    # Required; None rather than ??? so that a missing one is named at launch
    # (infra/settings/checks.py)
    repository: str | None = None
    tag: str | None = None
    dockerfile: str = "Dockerfile"
    context: str = "."
    build_args: dict[str, str] = field(default_factory=dict)
    # More arguments for the builder's `build`, e.g. ["--platform", "linux/amd64"]
    # (infra/images/steps.py)
    build_options: list[str] = field(default_factory=list)
    # Build secrets: id -> the environment variable holding it, passed as `--secret id=..,env=..`
    # (infra/images/builders.py), so the value is never on the command line, in the log or in the
    # config
    secrets: dict[str, str] = field(default_factory=dict)


@dataclass
class ScheduleConfig:
    """A cron schedule (``"0 6 * * *"`` or ``"@daily"``) activated on every launch plan."""

    cron: str | None = None


@dataclass
class NotificationConfig:
    """Who hears about an execution reaching one of the given phases.

    Phases must be terminal: SUCCEEDED, FAILED, TIMED_OUT or ABORTED.
    """

    phases: list[str] = field(default_factory=lambda: ["FAILED", "TIMED_OUT", "ABORTED"])
    email: list[str] = field(default_factory=list)
    slack: list[str] = field(default_factory=list)
    pagerduty: list[str] = field(default_factory=list)


@dataclass
class ResourcesConfig:
    """Kubernetes quantities: cpu ``2`` or ``500m``, memory ``4Gi``, gpu ``1``,
    ephemeral_storage ``10Gi``; checked as flyteadmin checks them (infra/settings/resources.py)."""

    cpu: str | None = None
    memory: str | None = None
    gpu: str | None = None
    ephemeral_storage: str | None = None


@dataclass
class TaskConfig:
    """How one task runs on a cluster; unset fields keep what its ``@task`` says, and local runs
    ignore all of it. Keyed by the task's function name, e.g. ``train`` (infra/settings/tasks.py).
    """

    requests: ResourcesConfig = field(default_factory=ResourcesConfig)
    limits: ResourcesConfig = field(default_factory=ResourcesConfig)
    retries: int | None = None  # retries after a failure: 0 or more
    timeout: str | None = None  # seconds (3600), or hours, minutes, seconds: "1h30m", "90s"
    interruptible: bool | None = None  # may run on spot / preemptible nodes
    image: str | None = None  # the name of one of hydra.launcher.images, e.g. gpu


@dataclass
class LauncherConfig:
    """Everything the launcher needs; the README's "On a Flyte cluster" shows it in use."""

    _target_: str = MISSING
    mode: Mode = Mode.remote
    workflow: str | None = None  # the main workflow's name, if the module has several
    connection: ConnectionConfig = field(default_factory=ConnectionConfig)
    project: str = MISSING
    domain: str = "development"
    version: str | None = None  # default: derived from git, see infra/settings/versioning.py
    random_suffix: bool = False  # development domain only: a fresh version on every launch
    force: bool = False  # register a dirty tree outside the development domain
    images: dict[str, ImageConfig] = field(default_factory=dict)  # "default" plus named extras
    build: bool = True
    push: bool = True
    builder: str = "auto"  # docker | podman | buildah | auto
    fast_register: bool = False  # ship the source with each registration: no rebuild for code
    run: bool = True  # false: register only
    wait: bool = False  # wait for the executions and return their outputs
    wait_timeout_seconds: float = 86400.0  # with wait: the longest wait for a launch's executions
    poll_seconds: float = 5.0  # with wait: how often to ask flyteadmin for their phases
    # The number each job returns to Hydra's sweeper, e.g. `Scores.r2`: an output of the workflow
    # or a field of one (infra/sweeps/metric.py); a list of them for a multi-objective search. Needs
    # the outputs: local mode, or remote with wait.
    optimized_metric: Any = None
    inputs: dict[str, Any] = field(default_factory=dict)  # non-config workflow inputs
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    notifications: NotificationConfig = field(default_factory=NotificationConfig)
    package_dir: str = "dist/flyte"  # where mode=package writes the .tgz and its manifest
    # Keys whose ${oc.env:...} values may be stored in launch plans (infra/workflow/env_values.py)
    allow_env_in_launch_plans: list[str] = field(default_factory=list)
    # Per task: a TaskConfig, checked at launch (typed values could not be added with `+`)
    tasks: dict[str, Any] = field(default_factory=dict)
