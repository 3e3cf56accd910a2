"""Typed settings of the project's Optuna sweeper, as read from ``hydra.sweeper``
(``conf/hydra/sweeper/optuna.yaml``, chosen by ``override /hydra/sweeper: optuna``).

The keys are those of Hydra's own Optuna sweeper, so search configs written for it keep working.
Registered with Hydra's ConfigStore as the schema, so a misspelt key is refused when the config is
composed. Kept free of heavy imports (no Optuna): Hydra loads it on every start-up.
"""

from dataclasses import dataclass, field
from typing import Any

from omegaconf import MISSING


@dataclass
class SearchConfig:
    """An Optuna search: its study, its budget and its search space."""

    _target_: str = MISSING
    _recursive_: bool = False  # the sampler is made when the search starts, not by Hydra
    # An Optuna sampler, instantiated by Hydra (conf/hydra/sweeper/sampler/: tpe, random, grid...)
    sampler: Any = None
    # "minimize" or "maximize", or a list of them for a multi-objective search (then
    # hydra.launcher.optimized_metric names as many numbers)
    direction: Any = "minimize"
    # The study is kept in ``storage`` under this name; running the search again continues it.
    # Default: the workflow's name.
    study_name: str | None = None
    # Any Optuna storage URL; default sqlite:///<where you run>/multirun/optuna.db
    storage: str | None = None
    n_trials: int = 20  # finished trials the study should have (earlier runs' count too)
    n_jobs: int = 2  # trials asked together and handed to the launcher as one batch
    # Failure budget: the search stops once more than this share of n_trials has failed in the run
    max_failure_rate: float = 0.5
    # The search space: key -> choice(...), range(...), interval(...), tag(log, interval(...)),
    # or a plain value every trial gets
    params: dict[str, str] = field(default_factory=dict)
