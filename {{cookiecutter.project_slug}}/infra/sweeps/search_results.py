"""What a search leaves in its sweep dir: ``optimization_results.yaml`` (the best trial, in the
shape Hydra's Optuna sweeper writes it) and ``search.html`` (its charts,
infra/sweeps/search_chart.py).

Both describe the whole study, earlier runs of a resumed search included, and are written again
after every batch, so an interrupted or over-budget search still leaves its best trial.
"""

import logging
import os
from pathlib import Path
from typing import Any

import optuna
import yaml

from infra.sweeps.search_chart import write_search_chart

log = logging.getLogger(__name__)
RESULTS_NAME = "optimization_results.yaml"
CHART_NAME = "search.html"


def write_results(study: optuna.Study, sweep_dir: Path) -> dict[str, Any]:
    """Write the study's best trial(s) and its charts into ``sweep_dir``; returns the results."""
    trials = study.get_trials(deepcopy=False)
    complete = [trial for trial in trials if trial.state == optuna.trial.TrialState.COMPLETE]
    failed = [trial for trial in trials if trial.state == optuna.trial.TrialState.FAIL]
    results: dict[str, Any] = {
        "name": study.study_name,
        "trials": {"complete": len(complete), "failed": len(failed)},
    }
    if complete and len(study.directions) == 1:
        best = study.best_trial
        results.update(best_trial=best.number, best_params=best.params, best_value=best.value)
    elif complete:
        results["solutions"] = [
            {"trial": trial.number, "params": trial.params, "values": trial.values}
            for trial in study.best_trials
        ]
    sweep_dir.mkdir(parents=True, exist_ok=True)
    _write_atomically(sweep_dir / RESULTS_NAME, yaml.safe_dump(results, sort_keys=False))
    if complete:
        write_search_chart(study, sweep_dir / CHART_NAME)
    log.info(
        f"Search results: {sweep_dir / RESULTS_NAME}" + (f", {CHART_NAME}" if complete else "")
    )
    if "best_params" in results:
        log.info(f"Best parameters: {results['best_params']} (value {results['best_value']})")
    return results


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
