"""Customer churn: a synthetic customer table, a random forest on it, and its AUC."""

import pickle
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold

FEATURES = ["tenure_months", "monthly_charges", "support_calls"]
TARGET = "churned"


class Criterion(Enum):
    """How the forest's trees choose their splits."""

    gini = "gini"
    entropy = "entropy"


@dataclass
class CustomersConfig:
    """Schema of ``conf/customers/``."""

    n_customers: int
    seed: int = 0


@dataclass
class ForestConfig:
    """Schema of ``conf/forest/``."""

    n_estimators: int
    max_depth: int | None = None
    criterion: Criterion = Criterion.gini


@dataclass
class ValidationConfig:
    """Schema of the ``validation`` block: folds, seeds and the AUC a model must reach."""

    folds: int = 3
    seeds: list[int] = field(default_factory=lambda: [0, 1, 2])
    min_auc: float = 0.6


def make_customers(n_customers: int, seed: int) -> pd.DataFrame:
    """A table of customers whose churn depends on their features, plus noise."""
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(
        {
            "tenure_months": rng.integers(1, 72, n_customers),
            "monthly_charges": rng.uniform(20, 120, n_customers).round(2),
            "support_calls": rng.poisson(2, n_customers),
        }
    )
    risk = (
        0.03 * table["monthly_charges"]
        + 0.5 * table["support_calls"]
        - 0.06 * table["tenure_months"]
    )
    table[TARGET] = (risk + rng.normal(0, 1, n_customers) > risk.median()).astype(int)
    return table


def fit_forest(
    table: pd.DataFrame, n_estimators: int, max_depth: int | None, criterion: str, seed: int
) -> RandomForestClassifier:
    """A random forest fitted on the table's features."""
    forest = RandomForestClassifier(
        n_estimators=n_estimators, max_depth=max_depth, criterion=criterion, random_state=seed
    )
    return forest.fit(table[FEATURES], table[TARGET])


def auc(forest: RandomForestClassifier, table: pd.DataFrame) -> float:
    """The forest's ROC AUC on the table."""
    return float(roc_auc_score(table[TARGET], forest.predict_proba(table[FEATURES])[:, 1]))


def fold_rows(n_rows: int, folds: int, fold: int) -> tuple[list[int], list[int]]:
    """The train and test row positions of one fold of a shuffled k-fold split."""
    train, test = list(KFold(folds, shuffle=True, random_state=0).split(np.arange(n_rows)))[fold]
    return train.tolist(), test.tolist()


def save_model(forest: RandomForestClassifier, path: Path) -> Path:
    """Pickle the forest to ``path``."""
    path.write_bytes(pickle.dumps(forest))
    return path
