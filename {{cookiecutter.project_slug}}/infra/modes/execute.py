"""``make execute``: run a launch plan or workflow already registered on Flyte, with new inputs
and config overrides.

    python -m infra.modes.execute --workflow <package>.workflows.<file> --version <v>
        [--launch-plan <name>] [--input NAME=VALUE ...] [--override KEY=VALUE ...] [--wait]

Nothing is built or registered: this is how to re-run a registered version with other values.
Without ``--launch-plan`` the workflow's own launch plan runs. ``--override`` takes dotted
``key=value`` pairs merged into the ``cfg`` input; keys must exist. The base config is the launch
plan's registered ``cfg``; a workflow's own launch plan has none, so its base is the workflow's
local primary config (``conf/<file>.yaml``, or ``--config-name``). ``--input`` sets any other
input; values are YAML (``[1, 2]``, ``0.5``), except for text inputs, which take the value as
written. Connection, project and domain are the launcher settings of that same primary config
(infra/settings/load.py), so they agree with a launch, unless given here. A config value that
comes from the environment is refused before anything is sent, as in a launch plan
(infra/workflow/env_values.py).
"""

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from flytekit.exceptions.user import FlyteEntityNotExistException

from infra.errors import LauncherError
from infra.flyteadmin.calls import call_deadline, calling
from infra.flyteadmin.connection import connect, flyte_config
from infra.flyteadmin.executions import Execution, execution_inputs, outcome, overridden, start
from infra.settings.load import compose_primary, import_workflow, launcher_settings
from infra.settings.schema import LauncherConfig
from infra.workflow.binding import CONFIG_INPUT, job_config
from infra.workflow.discovery import main_workflow
from infra.workflow.env_values import refuse_env_inputs


def main(argv: Sequence[str] | None = None) -> Execution:
    """Start the execution, print its URL (and outputs with ``--wait``); exit 1 on a clear error."""
    command_line = parser()
    arguments = command_line.parse_args(argv)
    if not arguments.version:
        command_line.error("--version needs the registered version (VERSION= for make execute)")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        result = execute(arguments)
    except LauncherError as error:
        sys.exit(f"error: {error}")
    print(f"execution {result.name}: {result.url}")
    for name, value in (result.outputs or {}).items():
        print(f"{name} = {value!r}")
    return result


def parser() -> argparse.ArgumentParser:
    """The command line described in the module docstring."""
    parser = argparse.ArgumentParser(
        prog="python -m infra.modes.execute",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 2)[2],
    )
    parser.add_argument(
        "--workflow", required=True, help="the workflow module, <package>.workflows.<file>"
    )
    parser.add_argument("--launch-plan", help="a registered launch plan of it (see the manifest)")
    parser.add_argument("--version", required=True, help="the registered version")
    parser.add_argument(
        "--input",
        nargs="*",
        action="extend",
        default=[],
        metavar="NAME=VALUE",
        help="a workflow input that is not the config",
    )
    parser.add_argument(
        "--override",
        nargs="*",
        action="extend",
        default=[],
        metavar="KEY=VALUE",
        help="a dotted override of the config, e.g. model.l2=0.1",
    )
    parser.add_argument("--wait", action="store_true", help="wait and print the outputs")
    parser.add_argument("--config-name", help="primary config (default: named like the file)")
    parser.add_argument("--config-dir", type=Path, help="default: the project's conf/")
    parser.add_argument("--project", help="default: from the launcher settings")
    parser.add_argument("--domain", help="default: from the launcher settings")
    parser.add_argument("--endpoint", help="flyteadmin host:port")
    parser.add_argument("--insecure", action="store_true", default=None, help="plain gRPC")
    parser.add_argument("--config-file", help="flytekit config file (auth, TLS)")
    return parser


def execute(arguments: argparse.Namespace) -> Execution:
    """Fetch the launch plan, compute its new inputs, start it and optionally wait."""
    module = import_workflow(arguments.workflow)
    config = compose_primary(
        module, config_name=arguments.config_name, config_dir=arguments.config_dir
    )
    settings = with_flags(launcher_settings(config), arguments)
    allowed = settings.allow_env_in_launch_plans
    refuse_env_inputs({CONFIG_INPUT: overridden(config.copy(), arguments.override)}, allowed)
    remote = connect(
        flyte_config(settings.connection), settings.connection, settings.project, settings.domain
    )
    name = arguments.launch_plan or main_workflow(module, settings.workflow).name
    with call_deadline(settings.connection.call_timeout_seconds):
        try:
            with calling(remote, f"GetLaunchPlan for {name}"):
                launch_plan = remote.fetch_launch_plan(name=name, version=arguments.version)
        except FlyteEntityNotExistException as error:
            kind = "launch plan" if arguments.launch_plan else "workflow"
            raise LauncherError(
                f"{kind} {name} version {arguments.version} is not registered in "
                f"{settings.project}/{settings.domain}"
            ) from error
        inputs, hints = execution_inputs(
            launch_plan,
            dict(_pair(item, "--input") for item in arguments.input),
            arguments.override,
            lambda: job_config(config),
        )
        refuse_env_inputs(inputs, allowed)
        execution = start(remote, launch_plan, inputs, hints)
        limit, poll = settings.wait_timeout_seconds, settings.poll_seconds
        return outcome(remote, execution, arguments.wait, limit, poll)


def with_flags(settings: LauncherConfig, arguments: argparse.Namespace) -> LauncherConfig:
    """The launcher settings with the project, domain and connection flags given here."""
    settings.project = arguments.project or settings.project
    settings.domain = arguments.domain or settings.domain
    for option in ("endpoint", "insecure", "config_file"):
        if getattr(arguments, option) is not None:
            setattr(settings.connection, option, getattr(arguments, option))
    return settings


def _pair(item: str, option: str) -> tuple[str, str]:
    name, equals, value = item.partition("=")
    if not equals or not name:
        raise LauncherError(f"{option} takes NAME=VALUE, got {item!r}")
    return name, value


if __name__ == "__main__":
    main()
