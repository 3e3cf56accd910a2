"""``mode=local``: run each sweep job's workflow on this machine, through the same discovery and
binding as a cluster launch, so a sweep that works here is wired right for Flyte too."""

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from hydra.core.utils import JobReturn, configure_log, run_job, setup_globals
from hydra.types import HydraContext
from omegaconf import DictConfig, open_dict

from infra.binding import bind_inputs
from infra.config import LauncherConfig
from infra.discovery import main_workflow, workflow_module

log = logging.getLogger(__name__)


def launch_local(
    settings: LauncherConfig,
    hydra_context: HydraContext,
    task_function: Callable,
    config: DictConfig,
    job_overrides: Sequence[Sequence[str]],
    initial_job_idx: int,
) -> list[JobReturn]:
    """One local workflow execution per sweep job, each in its own Hydra job folder."""
    setup_globals()
    configure_log(config.hydra.hydra_logging, config.hydra.verbose)
    workflow = main_workflow(workflow_module(task_function), settings.workflow)
    sweep_dir = Path(config.hydra.sweep.dir)
    sweep_dir.mkdir(parents=True, exist_ok=True)
    log.info(f"Running {workflow.name} locally, {len(job_overrides)} job(s) in {sweep_dir}")

    def run_workflow(job_config: DictConfig):
        return workflow(**bind_inputs(workflow, job_config, settings.inputs))

    returns = []
    for offset, overrides in enumerate(job_overrides):
        idx = initial_job_idx + offset
        log.info(f"\t#{idx} : {' '.join(overrides)}")
        sweep_config = hydra_context.config_loader.load_sweep_config(config, list(overrides))
        with open_dict(sweep_config):
            sweep_config.hydra.job.id = f"{sweep_config.hydra.job.name}_{idx}"
            sweep_config.hydra.job.num = idx
        HydraConfig.instance().set_config(sweep_config)
        returns.append(
            run_job(
                hydra_context=hydra_context,
                task_function=run_workflow,
                config=sweep_config,
                job_dir_key="hydra.sweep.dir",
                job_subdir_key="hydra.sweep.subdir",
            )
        )
    return returns
