"""Dispatch a Hydra multirun to the mode chosen by ``hydra.launcher.mode``."""

from collections.abc import Callable, Sequence

from hydra.core.utils import JobReturn, configure_log, setup_globals
from hydra.types import HydraContext
from omegaconf import DictConfig

from infra.config import Mode
from infra.metric import check_metric_possible
from infra.settings import launcher_settings
from infra.sweep import Sweep


def launch(
    hydra_context: HydraContext,
    task_function: Callable,
    config: DictConfig,
    job_overrides: Sequence[Sequence[str]],
    initial_job_idx: int,
    on_job_end: Callable[[int, JobReturn], None] | None = None,
) -> list[JobReturn]:
    """Run, package or register-and-execute every sweep job; ``on_job_end(number, result)`` as
    each finishes."""
    setup_globals()
    configure_log(config.hydra.hydra_logging, config.hydra.verbose)
    settings = launcher_settings(config)
    check_metric_possible(settings)
    sweep = Sweep(
        settings, hydra_context, task_function, config, job_overrides, initial_job_idx, on_job_end
    )
    if settings.mode is Mode.local:
        from infra.local_mode import launch_local as launch_mode
    elif settings.mode is Mode.package:
        from infra.package_mode import launch_package as launch_mode
    else:
        from infra.remote_mode import launch_remote as launch_mode
    return launch_mode(sweep)
