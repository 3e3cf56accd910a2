"""Synthetic regression data: noisy samples of a polynomial, split into train and test sets."""

import random
from dataclasses import dataclass


@dataclass
class DataConfig:
    """Schema of the ``data`` config group (``conf/data/``): how to generate the samples."""

    coefficients: list[float]  # of the true polynomial, c0 first
    n_samples: int
    noise: float  # standard deviation of the Gaussian noise on y
    test_fraction: float  # share of the samples held out for evaluation, in (0, 1)
    seed: int = 0


@dataclass
class Dataset:
    """Train and test samples of one input variable."""

    x_train: list[float]
    y_train: list[float]
    x_test: list[float]
    y_test: list[float]


def polynomial(coefficients: list[float], x: float) -> float:
    """Evaluate ``c0 + c1*x + c2*x**2 + ...``."""
    return sum(c * x**power for power, c in enumerate(coefficients))


def make_dataset(
    coefficients: list[float],
    n_samples: int,
    noise: float,
    test_fraction: float,
    seed: int,
) -> Dataset:
    """Sample ``n_samples`` noisy points on [-1, 1]; the same seed gives the same data."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    rng = random.Random(seed)
    xs = [rng.uniform(-1.0, 1.0) for _ in range(n_samples)]
    ys = [polynomial(coefficients, x) + rng.gauss(0.0, noise) for x in xs]
    n_test = max(1, round(n_samples * test_fraction))
    return Dataset(x_train=xs[n_test:], y_train=ys[n_test:], x_test=xs[:n_test], y_test=ys[:n_test])
