"""An Optuna search driven through Optuna's ask-and-tell interface: the project's Hydra sweeper.

Each batch asks the study for ``n_jobs`` trials, hands their overrides to the launcher as one
batch of sweep jobs (one workflow run each, locally or on Flyte), and tells the study every job's
value, or FAIL with its error. The study lives in ``storage`` (SQLite by default), so running the
same search again continues it: trials that finished are counted, not run again. The search stops
when the study has ``n_trials`` finished trials, or when this run's failures exceed the budget
``max_failure_rate * n_trials``; either way the best trial is written
(infra/sweeps/search_results.py).
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna
from hydra.core.utils import JobReturn
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from infra.errors import LauncherError
from infra.sweeps.search_results import write_results
from infra.sweeps.search_settings import SearchConfig
from infra.sweeps.search_space import SearchSpace, search_space

log = logging.getLogger(__name__)
STORAGE_FILE = Path("multirun") / "optuna.db"
# A batch's launch: its jobs' overrides, the first job's number, what to call as each job ends
Launch = Callable[[list[list[str]], int, Callable[[int, JobReturn], None]], Sequence[JobReturn]]
INTERRUPTED = "interrupted"  # user attr of a trial whose run was stopped: it does not count


@dataclass
class Search:
    """A search about to run: its settings, space, study and where its jobs go."""

    settings: SearchConfig
    space: SearchSpace
    study: optuna.Study
    sweep_dir: Path


def open_search(settings: SearchConfig, config: DictConfig, arguments: Sequence[str]) -> Search:
    """Check the settings, parse the space, and create or load the study; no job runs yet."""
    if settings.n_trials < 1 or settings.n_jobs < 1:
        raise LauncherError(
            f"hydra.sweeper.n_trials={settings.n_trials} and n_jobs={settings.n_jobs} must be "
            "at least 1"
        )
    if not 0 <= settings.max_failure_rate <= 1:
        raise LauncherError(
            f"hydra.sweeper.max_failure_rate={settings.max_failure_rate} must be between 0 and 1"
        )
    space = search_space(dict(settings.params or {}), arguments)
    directions = _directions(settings.direction)
    storage = settings.storage or _default_storage(Path(config.hydra.runtime.cwd))
    if "://" not in storage:
        raise LauncherError(
            f"hydra.sweeper.storage={storage!r} is not an Optuna storage URL "
            "(e.g. sqlite:///multirun/optuna.db, postgresql://host/db)"
        )
    name = settings.study_name or config.hydra.job.name
    try:
        study = optuna.create_study(
            study_name=name, storage=storage, directions=directions, load_if_exists=True
        )
    except ValueError as error:  # e.g. the stored study has other directions
        raise LauncherError(f"study {name!r} in {storage}: {error}") from error
    study.sampler = _sampler(settings.sampler, space, len(study.get_trials(deepcopy=False)))
    log.info(f"Study {name!r} in {storage}: {_finished(study)} finished trial(s) so far")
    return Search(settings, space, study, Path(config.hydra.sweep.dir))


def run_search(search: Search, launch: Launch) -> None:
    """Ask, launch and tell in batches until the study has ``n_trials`` finished trials or the
    failure budget is spent; write the results either way (also on Ctrl-C)."""
    settings, study = search.settings, search.study
    budget = int(settings.max_failure_rate * settings.n_trials)
    failures = 0
    if _finished(study) >= settings.n_trials:
        log.info(
            f"The study has its n_trials={settings.n_trials} finished trials: nothing to run "
            "(raise hydra.sweeper.n_trials to run more)"
        )
    try:
        while (left := settings.n_trials - _finished(study)) > 0 and not _exhausted(study):
            space = search.space.distributions
            trials = [study.ask(space) for _ in range(min(settings.n_jobs, left))]
            failures += _run_batch(search, launch, trials)
            if failures > budget:
                raise LauncherError(
                    f"{failures} trial(s) failed, more than the failure budget of {budget} "
                    f"(hydra.sweeper.max_failure_rate={settings.max_failure_rate} of "
                    f"n_trials={settings.n_trials}); see {search.sweep_dir / 'summary.md'}"
                )
    finally:
        write_results(study, search.sweep_dir)


def _run_batch(search: Search, launch: Launch, trials: list[optuna.Trial]) -> int:
    """Launch the trials as one batch of jobs and tell each its outcome as its job ends (or,
    with a launcher that does not say, when the batch is back); the number that failed."""
    overrides = []
    for trial in trials:
        overrides.append(search.space.overrides(trial.params))
        trial.set_user_attr("overrides", overrides[-1])
        trial.set_user_attr("sweep_dir", str(search.sweep_dir))
    by_number = {trial.number: trial for trial in trials}
    failed = []

    def job_ended(number: int, job: JobReturn) -> None:
        trial = by_number.pop(number)
        values = _values(job, len(search.study.directions))
        if isinstance(values, str):
            failed.append(number)
            trial.set_user_attr("error", values)
            log.warning(f"Trial {trial.number} failed: {values}")
            _tell(search.study, trial, None)
        else:
            _tell(search.study, trial, values)

    try:
        returns = launch(overrides, trials[0].number, job_ended)
    except BaseException:  # Ctrl-C, or the launch failed: unfinished trials do not count
        for trial in by_number.values():
            trial.set_user_attr(INTERRUPTED, True)
            search.study.tell(trial, state=optuna.trial.TrialState.FAIL)
        raise
    for trial, job in zip(trials, returns, strict=True):
        if trial.number in by_number:
            job_ended(trial.number, job)
    return len(failed)


def _tell(study: optuna.Study, trial: optuna.Trial, values: list[float] | None) -> None:
    """Tell the study a trial's values, or that it failed (``None``)."""
    state = optuna.trial.TrialState.FAIL if values is None else None
    try:
        study.tell(trial, values, state=state)
    except RuntimeError:  # the grid sampler stops the study once its grid is done
        if not _exhausted(study):
            raise


def _exhausted(study: optuna.Study) -> bool:
    """Whether a grid search has run every point of its grid."""
    sampler = study.sampler
    return isinstance(sampler, optuna.samplers.GridSampler) and sampler.is_exhausted(study)


def _values(job: JobReturn, count: int) -> list[float] | str:
    """The job's objective value(s), or the reason it has none."""
    try:
        value = job.return_value  # raises the job's error if it failed
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    values = list(value) if isinstance(value, list | tuple) else [value]
    if len(values) != count:
        return f"returned {len(values)} value(s) for {count} direction(s): {value!r}"
    try:
        return [float(number) for number in values]
    except (TypeError, ValueError):
        return f"returned {value!r}, not a number (set hydra.launcher.optimized_metric)"


def _finished(study: optuna.Study) -> int:
    """Trials that count toward n_trials: completed or failed, not interrupted."""
    done = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.FAIL)
    return sum(
        trial.state in done and not trial.user_attrs.get(INTERRUPTED)
        for trial in study.get_trials(deepcopy=False)
    )


def _directions(direction: Any) -> list[optuna.study.StudyDirection]:
    if OmegaConf.is_config(direction):
        direction = OmegaConf.to_container(direction)
    directions = direction if isinstance(direction, list) else [direction]
    names = [str(getattr(name, "name", name)).lower() for name in directions]
    wrong = [name for name in names if name not in ("minimize", "maximize")]
    if wrong or not names:
        raise LauncherError(
            f"hydra.sweeper.direction={direction!r}: each must be minimize or maximize"
        )
    return [optuna.study.StudyDirection[name.upper()] for name in names]


def _sampler(config: Any, space: SearchSpace, earlier: int) -> optuna.samplers.BaseSampler:
    """The configured sampler. A resumed study's seed is moved on by its number of trials, so
    that a seeded sampler does not propose the first run's trials again."""
    if config is None:
        return optuna.samplers.TPESampler()
    config = dict(config)
    if config.get("seed") is not None:
        config["seed"] = int(config["seed"]) + earlier
    if config.get("_target_", "").endswith("GridSampler"):
        config["search_space"] = space.grid()
    return instantiate(config)


def _default_storage(cwd: Path) -> str:
    path = cwd / STORAGE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"
