"""Each sweep job's config composed once: Hydra's sweepers compose every job of a batch to check
it (``Sweeper.validate_batch_is_legal``) just before they hand the batch to the launcher, which
needs the very same compositions.

``ComposedOnce`` wraps the sweep's config loader and keeps each config that check composed; the
launcher's request for the same job (same primary config, same overrides) takes it instead of
composing it again. Each kept config is handed out once, so every caller still gets a config of its
own, exactly as Hydra composed it; a job nobody composed before is composed as usual.
"""

from typing import Any

from hydra.core.config_loader import ConfigLoader
from hydra.core.config_search_path import ConfigSearchPath
from hydra.core.object_type import ObjectType
from hydra.plugins.config_source import ConfigSource
from hydra.types import HydraContext, RunMode
from omegaconf import DictConfig


class ComposedOnce(ConfigLoader):
    """A config loader that keeps the sweep jobs' configs it composes for ``take``."""

    def __init__(self, loader: ConfigLoader) -> None:
        self.loader = loader
        self.kept: dict[tuple[str, ...], tuple[DictConfig, DictConfig]] = {}

    def load_sweep_config(
        self, master_config: DictConfig, sweep_overrides: list[str]
    ) -> DictConfig:
        """Compose the job's config (the sweeper's check asks), and keep it for ``take``."""
        config = self.loader.load_sweep_config(master_config, sweep_overrides)
        self.kept[tuple(sweep_overrides)] = (master_config, config)
        return config

    def take(self, master_config: DictConfig, sweep_overrides: list[str]) -> DictConfig:
        """The job's config for the launch: the one kept for these overrides of this primary
        config, handed out once; else a new composition."""
        master, config = self.kept.pop(tuple(sweep_overrides), (None, None))
        if master is master_config and config is not None:
            return config
        return self.loader.load_sweep_config(master_config, sweep_overrides)

    def load_configuration(
        self,
        config_name: str | None,
        overrides: list[str],
        run_mode: RunMode,
        from_shell: bool = True,
        validate_sweep_overrides: bool = True,
    ) -> DictConfig:
        return self.loader.load_configuration(
            config_name, overrides, run_mode, from_shell, validate_sweep_overrides
        )

    def get_search_path(self) -> ConfigSearchPath:
        return self.loader.get_search_path()

    def get_sources(self) -> list[ConfigSource]:
        return self.loader.get_sources()

    def list_groups(self, parent_name: str) -> list[str]:
        return self.loader.list_groups(parent_name)

    def get_group_options(
        self,
        group_name: str,
        results_filter: ObjectType | None = ObjectType.CONFIG,
        config_name: str | None = None,
        overrides: list[str] | None = None,
    ) -> list[str]:
        return self.loader.get_group_options(group_name, results_filter, config_name, overrides)

    def compute_defaults_list(
        self, config_name: str | None, overrides: list[str], run_mode: RunMode
    ) -> Any:
        return self.loader.compute_defaults_list(config_name, overrides, run_mode)


def composed_once(hydra_context: HydraContext) -> ComposedOnce:
    """The sweep's config loader, which the sweeper and the launcher share, as a
    ``ComposedOnce``: made one on the first call (the launcher's setup, before the sweeper's
    check)."""
    loader = hydra_context.config_loader
    if not isinstance(loader, ComposedOnce):
        loader = hydra_context.config_loader = ComposedOnce(loader)
    return loader
