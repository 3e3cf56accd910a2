"""Hydra's entry point to the project's Flyte launcher; the logic lives in ``infra``.

Hydra imports every module under ``hydra_plugins`` on every start-up, so this file imports only
the light config schema; flytekit and the launcher logic load when a multirun is launched.
"""

import os
import sys
from collections.abc import Callable, Sequence

from hydra.core.config_store import ConfigStore
from hydra.core.utils import JobReturn
from hydra.plugins.launcher import Launcher
from hydra.types import HydraContext
from omegaconf import DictConfig, OmegaConf

from infra.errors import LauncherError
from infra.settings.schema import LauncherConfig

ConfigStore.instance().store(
    group="hydra/launcher", name="flyte_schema", node=LauncherConfig, provider="infra"
)
# `${pid:}` in conf/shared/defaults.yaml's sweep dir: two sweeps started in the same second by two
# processes get folders of their own.
OmegaConf.register_new_resolver("pid", os.getpid, use_cache=True, replace=True)


class FlyteLauncher(Launcher):
    """Runs sweep jobs locally, packages them, or registers and executes them on Flyte."""

    def __init__(self, **_settings) -> None:
        """Hydra passes the settings as keywords; ``launch`` reads them typed from the config."""
        self.on_job_end: Callable[[int, JobReturn], None] | None = None  # set by a sweeper

    def setup(
        self, *, hydra_context: HydraContext, task_function: Callable, config: DictConfig
    ) -> None:
        from infra.sweeps.compositions import composed_once

        composed_once(hydra_context)  # the sweeper's check then composes each job for the launch
        self.hydra_context = hydra_context
        self.task_function = task_function
        self.config = config

    def launch(
        self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int
    ) -> Sequence[JobReturn]:
        from infra.launcher import launch

        try:
            return launch(
                self.hydra_context,
                self.task_function,
                self.config,
                job_overrides,
                initial_job_idx,
                self.on_job_end,
            )
        except LauncherError as error:
            if os.environ.get("HYDRA_FULL_ERROR") == "1":
                raise
            sys.exit(f"Error: {error}\nSet HYDRA_FULL_ERROR=1 for the stack trace.")
