"""Run a launch plan or workflow already registered on Flyte, with new inputs and config overrides.

    python -m infra.remote --launch-plan <name> --version <v> [--input NAME=VALUE ...]
                           [--override KEY=VALUE ...] [--wait]
    python -m infra.remote --workflow <pkg>.workflows.<module> --version <v> ...

Nothing is built or registered: this is how to re-run a registered version with other values.
``--override`` takes dotted ``key=value`` pairs merged into the ``cfg`` input; keys must exist.
The base config is the launch plan's registered ``cfg``; a workflow has none, so its base is the
local primary config named like its module (``conf/<module>.yaml``, or ``--config-name``).
``--input`` sets any other input; values are YAML (``[1, 2]``, ``0.5``), except for text inputs,
which take the value as written. Connection, project and domain come from
``conf/hydra/launcher/flyte.yaml`` unless given here. ``make execute`` wraps this.
"""

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.exceptions.user import FlyteEntityNotExistException
from flytekit.remote import FlyteLaunchPlan
from hydra import compose, initialize_config_dir
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from infra.binding import CONFIG_INPUT, job_config
from infra.config import LauncherConfig
from infra.connection import connect, flyte_config
from infra.discovery import main_workflow
from infra.errors import LauncherError
from infra.executions import Execution, outcome, start

LAUNCHER_CONFIG = Path("conf/hydra/launcher/flyte.yaml")


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
        prog="python -m infra.remote",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 2)[2],
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--launch-plan", help="registered launch plan name (see the manifest)")
    target.add_argument("--workflow", help="workflow module or registered workflow name")
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
    parser.add_argument("--config-name", help="primary config for a workflow's cfg")
    parser.add_argument("--config-dir", type=Path, default=Path("conf"), help="default: conf")
    parser.add_argument(
        "--launcher-config", type=Path, default=LAUNCHER_CONFIG, help=f"default: {LAUNCHER_CONFIG}"
    )
    parser.add_argument("--project", help="default: from the launcher config")
    parser.add_argument("--domain", help="default: from the launcher config")
    parser.add_argument("--endpoint", help="flyteadmin host:port")
    parser.add_argument("--insecure", action="store_true", default=None, help="plain gRPC")
    parser.add_argument("--config-file", help="flytekit config file (auth, TLS)")
    return parser


def execute(arguments: argparse.Namespace) -> Execution:
    """Fetch the launch plan, compute its new inputs, start it and optionally wait."""
    settings = launcher_settings(arguments)
    remote = connect(
        flyte_config(settings.connection),
        settings.connection.timeout_seconds,
        settings.project,
        settings.domain,
    )
    name = arguments.launch_plan or workflow_name(arguments.workflow)
    try:
        launch_plan = remote.fetch_launch_plan(name=name, version=arguments.version)
    except FlyteEntityNotExistException as error:
        kind = "launch plan" if arguments.launch_plan else "workflow"
        raise LauncherError(
            f"{kind} {name} version {arguments.version} is not registered in "
            f"{settings.project}/{settings.domain}"
        ) from error
    # <package>.workflows.<module>.<workflow>: the module names its primary config
    config_name = arguments.config_name or launch_plan.workflow_id.name.split(".")[-2]
    inputs, hints = execution_inputs(
        launch_plan,
        dict(_pair(item, "--input") for item in arguments.input),
        arguments.override,
        lambda: composed_config(
            arguments.config_dir, config_name, launch_plan.workflow_id.name.rpartition(".")[0]
        ),
    )
    return outcome(remote, start(remote, launch_plan, inputs, hints), arguments.wait)


def launcher_settings(arguments: argparse.Namespace) -> LauncherConfig:
    """The project's launcher settings, with the connection flags given on the command line."""
    raw = OmegaConf.load(arguments.launcher_config)
    raw.pop("defaults", None)
    settings: LauncherConfig = OmegaConf.to_object(
        OmegaConf.merge(OmegaConf.structured(LauncherConfig), raw)
    )
    settings.project = arguments.project or settings.project
    settings.domain = arguments.domain or settings.domain
    for option in ("endpoint", "insecure", "config_file"):
        if getattr(arguments, option) is not None:
            setattr(settings.connection, option, getattr(arguments, option))
    return settings


def workflow_name(workflow: str) -> str:
    """A workflow module's main workflow name; anything else is taken as a registered name."""
    try:
        module = importlib.import_module(workflow)
    except ImportError:
        return workflow
    return main_workflow(module).name


def execution_inputs(
    launch_plan: FlyteLaunchPlan,
    values: Mapping[str, str],
    overrides: Sequence[str],
    local_config: Callable[[], DictConfig],
) -> tuple[dict[str, Any], dict[str, type]]:
    """Inputs (and their Python types) that change the launch plan's defaults, checked here:
    unknown names, unknown config keys and inputs left without a value are errors."""
    variables = launch_plan.interface.inputs
    unknown = sorted(set(values) - set(variables))
    if unknown:
        raise LauncherError(f"unknown inputs {unknown}; {launch_plan.name} has {sorted(variables)}")
    parameters = launch_plan.default_inputs.parameters
    inputs: dict[str, Any] = {}
    hints: dict[str, type] = {}
    for name, text in values.items():
        hints[name] = TypeEngine.guess_python_type(variables[name].type)
        inputs[name] = text if hints[name] is str else yaml.safe_load(text)
    has_default = {name for name, parameter in parameters.items() if parameter.default is not None}
    if CONFIG_INPUT in variables and (overrides or CONFIG_INPUT not in has_default):
        if CONFIG_INPUT in has_default:
            base = _decoded(parameters[CONFIG_INPUT].default)
        else:
            base = local_config()
        inputs[CONFIG_INPUT] = overridden(base, overrides)
        hints[CONFIG_INPUT] = DictConfig
    missing = sorted(set(variables) - set(inputs) - has_default)
    if missing:
        raise LauncherError(f"{launch_plan.name} needs inputs {missing}: give --input NAME=VALUE")
    return inputs, hints


def overridden(config: DictConfig, overrides: Sequence[str]) -> DictConfig:
    """``config`` with dotted ``key=value`` overrides merged in; an unknown key is an error."""
    OmegaConf.set_struct(config, True)
    try:
        return OmegaConf.merge(config, OmegaConf.from_dotlist(list(overrides)))
    except OmegaConfBaseException as error:
        raise LauncherError(f"cannot apply overrides {list(overrides)}: {error}") from error


def composed_config(config_dir: Path, config_name: str, module: str) -> DictConfig:
    """The local primary config ``config_name``, composed by Hydra, without its ``hydra`` node;
    the workflow ``module`` is imported first, as it stores the config's schema."""
    importlib.import_module(module)
    with initialize_config_dir(config_dir=str(config_dir.resolve()), version_base="1.3"):
        return job_config(compose(config_name=config_name))


def _decoded(literal) -> DictConfig:
    """A registered DictConfig default, back as a DictConfig."""
    return TypeEngine.to_python_value(FlyteContextManager.current_context(), literal, DictConfig)


def _pair(item: str, option: str) -> tuple[str, str]:
    name, equals, value = item.partition("=")
    if not equals or not name:
        raise LauncherError(f"{option} takes NAME=VALUE, got {item!r}")
    return name, value


if __name__ == "__main__":
    main()
