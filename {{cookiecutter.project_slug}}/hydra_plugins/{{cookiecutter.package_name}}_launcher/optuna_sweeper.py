"""Hydra's entry point to the project's Optuna sweeper (``override /hydra/sweeper: optuna``); the
logic lives in ``infra/sweeps/search.py``.

Hydra imports every module under ``hydra_plugins`` on every start-up, so this file imports only
the light settings schema; Optuna loads when a search starts.
"""

import os
import sys
from collections.abc import Callable, Sequence

from hydra.core.config_store import ConfigStore
from hydra.core.plugins import Plugins
from hydra.core.utils import JobReturn
from hydra.plugins.sweeper import Sweeper
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf

from infra.errors import LauncherError
from infra.sweeps.search_settings import SearchConfig

ConfigStore.instance().store(
    group="hydra/sweeper", name="optuna_schema", node=SearchConfig, provider="infra"
)


class OptunaSweeper(Sweeper):
    """Asks Optuna for trials, runs each batch through the launcher, tells Optuna the results."""

    def __init__(self, **_settings) -> None:
        """Hydra passes the settings as keywords; ``sweep`` reads them typed from the config."""

    def setup(
        self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig
    ) -> None:
        self.hydra_context = hydra_context
        self.config = config
        self.launcher = Plugins.instance().instantiate_launcher(
            hydra_context=hydra_context, task_function=task_function, config=config
        )

    def sweep(self, arguments: list[str]) -> None:
        from infra.sweeps.search import open_search, run_search

        settings = OmegaConf.to_object(self.config.hydra.sweeper)
        try:
            search = open_search(settings, self.config, arguments)
            search.sweep_dir.mkdir(parents=True, exist_ok=True)
            OmegaConf.save(self.config, search.sweep_dir / "multirun.yaml")
            run_search(search, self._launch)
        except LauncherError as error:
            if os.environ.get("HYDRA_FULL_ERROR") == "1":
                raise
            sys.exit(f"Error: {error}\nSet HYDRA_FULL_ERROR=1 for the stack trace.")

    def _launch(
        self,
        overrides: list[list[str]],
        initial_job_idx: int,
        on_job_end: Callable[[int, JobReturn], None],
    ) -> Sequence[JobReturn]:
        """Check that every job of the batch composes (Hydra's check), then launch it; the
        project's launcher calls ``on_job_end`` as each job finishes (another launcher does not,
        and the search tells its trials when the batch is back)."""
        self.validate_batch_is_legal(overrides)
        if hasattr(self.launcher, "on_job_end"):
            self.launcher.on_job_end = on_job_end
        return self.launcher.launch(overrides, initial_job_idx=initial_job_idx)
