"""Polynomial least-squares regression with an L2 penalty, solved exactly with the stdlib."""

from dataclasses import dataclass

from {{ cookiecutter.package_name }}.data import polynomial


@dataclass
class ModelConfig:
    """Schema of the ``model`` config group (``conf/model/``)."""

    degree: int  # of the fitted polynomial
    l2: float = 0.0  # penalty on the squared coefficients


def fit(xs: list[float], ys: list[float], degree: int, l2: float) -> list[float]:
    """Return the coefficients ``[c0, c1, ...]`` minimising squared error plus ``l2 * |c|^2``."""
    if degree < 0:
        raise ValueError(f"degree must be >= 0, got {degree}")
    if len(xs) <= degree:
        raise ValueError(f"need more than {degree} samples to fit degree {degree}, got {len(xs)}")
    size = degree + 1
    rows = [[x**power for power in range(size)] for x in xs]
    # Normal equations (X^T X + l2 I) c = X^T y.
    gram = [
        [sum(r[i] * r[j] for r in rows) + (l2 if i == j else 0.0) for j in range(size)]
        for i in range(size)
    ]
    rhs = [sum(r[i] * y for r, y in zip(rows, ys, strict=True)) for i in range(size)]
    return _solve(gram, rhs)


def predict(coefficients: list[float], xs: list[float]) -> list[float]:
    """Evaluate the fitted polynomial at each x."""
    return [polynomial(coefficients, x) for x in xs]


def _solve(matrix: list[list[float]], rhs: list[float]) -> list[float]:
    """Solve a square linear system by Gaussian elimination with partial pivoting."""
    n = len(rhs)
    aug = [row[:] + [value] for row, value in zip(matrix, rhs, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(aug[r][col]))
        if abs(aug[pivot][col]) < 1e-12:
            raise ValueError("the system is singular: add samples or raise l2")
        aug[col], aug[pivot] = aug[pivot], aug[col]
        for row in range(col + 1, n):
            factor = aug[row][col] / aug[col][col]
            for k in range(col, n + 1):
                aug[row][k] -= factor * aug[col][k]
    solution = [0.0] * n
    for row in reversed(range(n)):
        known = sum(aug[row][k] * solution[k] for k in range(row + 1, n))
        solution[row] = (aug[row][n] - known) / aug[row][row]
    return solution
