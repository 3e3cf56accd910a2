"""A launch's settings, loaded one way for every entry point.

The launcher gets the config Hydra composed for ``python <workflow>.py -m``; the command lines
(``make image``, ``make execute``) compose the same primary config themselves with
``compose_primary``. Either way the typed settings come from the composed ``hydra.launcher`` node
(``launcher_settings``), so a setting a primary config overrides holds everywhere, and the version
from ``launch_version``.
"""

import importlib
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from hydra import compose, initialize_config_dir
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from infra.errors import LauncherError
from infra.settings.checks import check_launcher_node, check_settings
from infra.settings.schema import LauncherConfig
from infra.settings.versioning import resolve_version
from infra.workflow.discovery import project_root

# Hydra's default output folders; never part of the source, whatever hydra.run.dir says now.
HYDRA_OUTPUTS = ("outputs", "multirun")


def launcher_settings(config: DictConfig) -> LauncherConfig:
    """The typed launcher settings of a config composed with its ``hydra`` node, every key and
    value checked (infra/settings/checks.py)."""
    node = config.hydra.launcher
    if OmegaConf.get_type(node) is not LauncherConfig:
        raise LauncherError(
            "hydra.launcher is not this project's launcher: select it with "
            "`- override hydra/launcher: flyte` in the primary config's defaults"
        )
    check_launcher_node(node)
    settings = OmegaConf.to_object(node)
    assert isinstance(settings, LauncherConfig)
    check_settings(settings)
    return settings


def import_workflow(name: str) -> ModuleType:
    """The workflow module ``name`` (``<package>.workflows.<file>``), imported: it stores its
    config's schema, which composing the config needs."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise LauncherError(f"cannot import the workflow module {name!r}: {error}") from error


def compose_primary(
    module: ModuleType,
    overrides: Sequence[str] = (),
    config_name: str | None = None,
    config_dir: Path | None = None,
) -> DictConfig:
    """The primary config of a workflow module, with its ``hydra`` node, as ``python
    <workflow>.py overrides`` composes it: ``conf/<file name>.yaml`` unless ``config_name``."""
    name = config_name or module.__name__.rpartition(".")[2]
    folder = config_dir or project_root(module) / "conf"
    try:
        with initialize_config_dir(str(folder.resolve()), version_base="1.3", job_name=name):
            return compose(name, list(overrides), return_hydra_config=True)
    except (HydraException, OmegaConfBaseException) as error:
        raise LauncherError(f"config {name!r} with {list(overrides)}: {error}") from error


def launch_version(module: ModuleType, config: DictConfig, settings: LauncherConfig) -> str:
    """The one version of a launch of ``module`` (see infra/settings/versioning.py)."""
    root = project_root(module)
    return resolve_version(
        settings.version,
        root,
        settings.domain,
        ignored=output_folders(root, config, settings),
        force=settings.force,
        random_suffix=settings.random_suffix,
    )


def output_folders(root: Path, config: DictConfig, settings: LauncherConfig) -> set[str]:
    """Top-level folders of the project holding Hydra's outputs and packages, not source."""
    folders = set(HYDRA_OUTPUTS)
    for path in (config.hydra.run.dir, config.hydra.sweep.dir, settings.package_dir):
        resolved = Path(path).resolve()
        if resolved != root and resolved.is_relative_to(root):
            folders.add(resolved.relative_to(root).parts[0])
    return folders
