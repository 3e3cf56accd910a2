"""Churn workflow: customers, a random forest saved as a file, its AUC over seeds (a map task)
and folds (a dynamic workflow), and a verdict on it (a conditional).

Run it with ``python <this file> [overrides]``; its config: ``conf/churn.yaml``.
"""

import functools
import logging
import pickle
from pathlib import Path
from statistics import mean
from typing import NamedTuple

import flytekit
import hydra
import pandas as pd
from flytekit import conditional, dynamic, map_task, task, workflow
from flytekit.types.file import FlyteFile
from omegaconf import DictConfig

from my_project import churn
from my_project.workflows import run
from my_project.workflows.caching import CODE_CACHE

log = logging.getLogger(__name__)


class Parts(NamedTuple):
    """One sub-config per task."""

    customers: DictConfig
    forest: DictConfig
    validation: DictConfig
    seeds: list[int]
    folds: int
    min_auc: float


class Result(NamedTuple):
    """The model file, its mean AUC over seeds and folds, and whether it is good enough."""

    model: FlyteFile
    auc: float
    verdict: str


@task(cache=CODE_CACHE)
def split_config(cfg: DictConfig) -> Parts:
    """Split the job config so each task is cached on its own part only."""
    validation = cfg.validation
    return Parts(
        customers=cfg.customers,
        forest=cfg.forest,
        validation=validation,
        seeds=list(validation.seeds),
        folds=validation.folds,
        min_auc=validation.min_auc,
    )


@task(cache=CODE_CACHE)
def load_customers(cfg: DictConfig) -> pd.DataFrame:
    """The customer table."""
    return churn.make_customers(cfg.n_customers, cfg.seed)


def _forest(cfg: DictConfig, table: pd.DataFrame, seed: int):
    return churn.fit_forest(table, cfg.n_estimators, cfg.max_depth, cfg.criterion.value, seed)


@task(cache=CODE_CACHE)
def train(cfg: DictConfig, table: pd.DataFrame) -> FlyteFile:
    """Fit the forest on every customer and save it."""
    folder = Path(flytekit.current_context().working_directory)
    return FlyteFile(str(churn.save_model(_forest(cfg, table, seed=0), folder / "forest.pkl")))


@task(cache=CODE_CACHE)
def seed_auc(seed: int, cfg: DictConfig, table: pd.DataFrame) -> float:
    """The AUC on the second half of the table of a forest fitted with ``seed`` on the first."""
    half = len(table) // 2
    return churn.auc(_forest(cfg, table.iloc[:half], seed), table.iloc[half:])


@task(cache=CODE_CACHE)
def fold_auc(cfg: DictConfig, table: pd.DataFrame, folds: int, fold: int) -> float:
    """The AUC on one fold of a forest fitted on the others."""
    train_rows, test_rows = churn.fold_rows(len(table), folds, fold)
    return churn.auc(_forest(cfg, table.iloc[train_rows], seed=0), table.iloc[test_rows])


@task(cache=CODE_CACHE)
def average(scores: list[float], more: list[float]) -> float:
    """The mean of all the scores."""
    return mean(scores + more)


@dynamic(cache=CODE_CACHE)
def cross_validate(cfg: DictConfig, table: pd.DataFrame, folds: int) -> list[float]:
    """k-fold cross-validation: one ``fold_auc`` per fold, as many as the config says."""
    return [fold_auc(cfg=cfg, table=table, folds=folds, fold=fold) for fold in range(folds)]


@task(cache=CODE_CACHE)
def accept(model: FlyteFile, score: float) -> str:
    """The verdict on a model good enough to ship."""
    with open(model, "rb") as stream:
        trees = len(pickle.load(stream).estimators_)
    return f"ship: {trees} trees, AUC {score:.3f}"


@task(cache=CODE_CACHE)
def reject(score: float, min_auc: float) -> str:
    """The verdict on a model below the bar."""
    return f"retrain: AUC {score:.3f} < {min_auc}"


@workflow
def validate(forest: DictConfig, table: pd.DataFrame, seeds: list[int], folds: int) -> float:
    """The mean AUC over seeds (mapped) and over folds (dynamic)."""
    by_seed = map_task(functools.partial(seed_auc, cfg=forest, table=table))(seed=seeds)
    by_fold = cross_validate(cfg=forest, table=table, folds=folds)
    return average(scores=by_seed, more=by_fold)


@workflow
def pipeline(cfg: DictConfig) -> Result:
    """Load customers, train and validate the forest, then judge it."""
    parts = split_config(cfg=cfg)
    table = load_customers(cfg=parts.customers)
    model = train(cfg=parts.forest, table=table)
    score = validate(forest=parts.forest, table=table, seeds=parts.seeds, folds=parts.folds)
    verdict = (
        conditional("good_enough")
        .if_(score >= parts.min_auc)
        .then(accept(model=model, score=score))
        .else_()
        .then(reject(score=score, min_auc=parts.min_auc))
    )
    return Result(model=model, auc=score, verdict=verdict)


@hydra.main(config_path="../../../conf", config_name="churn", version_base="1.3")
def main(cfg: DictConfig) -> Result:
    """Run the workflow here on the composed config."""
    result = pipeline(cfg=cfg)
    log.info(f"{result.verdict} (model: {result.model.path})")
    return result


if __name__ == "__main__":
    run(main, globals())
