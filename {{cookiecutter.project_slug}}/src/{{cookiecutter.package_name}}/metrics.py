"""Regression scores."""

from dataclasses import dataclass


@dataclass
class EvaluateConfig:
    """Schema of the ``evaluate`` config: the bar a model must reach."""

    min_r2: float = 0.9  # the r2 a model must reach to pass


@dataclass
class Scores:
    """Test-set scores and whether they meet the configured bar."""

    mse: float
    r2: float
    passed: bool


def mean_squared_error(y_true: list[float], y_pred: list[float]) -> float:
    """Average squared difference."""
    return sum((t - p) ** 2 for t, p in zip(y_true, y_pred, strict=True)) / len(y_true)


def r2_score(y_true: list[float], y_pred: list[float]) -> float:
    """Share of the variance explained; 1.0 is a perfect fit."""
    mean = sum(y_true) / len(y_true)
    total = sum((t - mean) ** 2 for t in y_true)
    residual = sum((t - p) ** 2 for t, p in zip(y_true, y_pred, strict=True))
    return 1.0 - residual / total if total else 0.0


def score(y_true: list[float], y_pred: list[float], min_r2: float) -> Scores:
    """Score predictions; ``passed`` is true when r2 reaches ``min_r2``."""
    r2 = r2_score(y_true, y_pred)
    return Scores(mse=mean_squared_error(y_true, y_pred), r2=r2, passed=r2 >= min_r2)
