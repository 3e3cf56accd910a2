"""The plain pipeline logic, without Flyte or Hydra."""

import pytest

from {{ cookiecutter.package_name }}.data import make_dataset, polynomial
from {{ cookiecutter.package_name }}.metrics import r2_score, score
from {{ cookiecutter.package_name }}.model import fit, predict


def test_dataset_is_reproducible_and_split():
    first = make_dataset([1.0, 2.0], n_samples=20, noise=0.1, test_fraction=0.25, seed=3)
    assert first == make_dataset([1.0, 2.0], n_samples=20, noise=0.1, test_fraction=0.25, seed=3)
    assert (len(first.x_train), len(first.x_test)) == (15, 5)


def test_dataset_refuses_a_test_fraction_outside_0_1():
    with pytest.raises(ValueError, match="test_fraction"):
        make_dataset([1.0], n_samples=10, noise=0.0, test_fraction=1.0, seed=0)


def test_fit_recovers_the_polynomial_from_clean_data():
    xs = [i / 10 for i in range(-10, 11)]
    ys = [polynomial([0.5, -1.0, 0.0, 2.0], x) for x in xs]
    assert fit(xs, ys, degree=3, l2=0.0) == pytest.approx([0.5, -1.0, 0.0, 2.0], abs=1e-9)


def test_l2_shrinks_the_coefficients():
    xs = [i / 10 for i in range(-10, 11)]
    ys = [3.0 * x for x in xs]
    assert abs(fit(xs, ys, degree=1, l2=10.0)[1]) < abs(fit(xs, ys, degree=1, l2=0.0)[1])


def test_fit_needs_more_samples_than_the_degree():
    with pytest.raises(ValueError, match="need more than 3 samples"):
        fit([0.0, 1.0], [0.0, 1.0], degree=3, l2=0.0)


def test_predict_and_scores():
    assert predict([1.0, 2.0], [0.0, 1.0]) == [1.0, 3.0]
    assert r2_score([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]) == 1.0
    result = score([1.0, 2.0, 3.0], [1.0, 2.0, 4.0], min_r2=0.9)
    assert result.mse == pytest.approx(1 / 3)
    assert result.passed is False
