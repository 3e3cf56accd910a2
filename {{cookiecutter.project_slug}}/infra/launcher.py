"""Dispatch a Hydra multirun to the mode chosen by ``hydra.launcher.mode``."""

from collections.abc import Callable, Sequence

from hydra.core.utils import JobReturn, configure_log, setup_globals
from hydra.types import HydraContext
from omegaconf import DictConfig

from infra.settings.load import launcher_settings
from infra.settings.schema import Mode
from infra.sweeps.jobs import Sweep
from infra.sweeps.metric import check_metric_possible


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
        from infra.modes.local import launch_local as launch_mode
    elif settings.mode is Mode.package:
        from infra.modes.package import launch_package as launch_mode
    else:
        from infra.modes.remote import launch_remote as launch_mode
    return launch_mode(sweep)
