"""Hydra's search-space syntax as Optuna distributions (infra/sweeps/search_space.py), and the
checks a search's settings get before any job runs."""

import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

from infra.errors import LauncherError
from infra.sweeps.search_space import search_space


def test_each_sweep_kind_becomes_its_distribution():
    space = search_space(
        {
            "a": "choice(1, 2, 3)",
            "b": "range(1, 5)",
            "c": "interval(0.1, 1.0)",
            "d": "tag(log, interval(0.00001, 0.1))",
            "e": "tag(int, interval(2, 9))",
            "h": "tag(int, log, interval(1, 1024))",
            "f": "range(0.0, 1.0, 0.25)",
            "g": "7",
        },
        [],
    )
    d = space.distributions
    assert d["a"] == CategoricalDistribution((1, 2, 3))
    assert d["b"] == IntDistribution(1, 4)  # range's stop is left out, as in Python
    assert d["c"] == FloatDistribution(0.1, 1.0)
    assert d["d"] == FloatDistribution(0.00001, 0.1, log=True)
    assert d["e"] == IntDistribution(2, 9)
    assert d["h"] == IntDistribution(1, 1024, log=True)
    assert d["f"] == FloatDistribution(0.0, 0.75, step=0.25)
    assert space.fixed == ["g=7"]


def test_the_command_line_adds_to_the_space_and_wins_over_the_config():
    space = search_space({"a": "choice(1, 2)"}, ["a=choice(5,6)", "b=range(0,3)", "c=x"])
    assert space.distributions["a"] == CategoricalDistribution((5, 6))
    assert space.distributions["b"] == IntDistribution(0, 2)
    assert space.fixed == ["c=x"]


def test_a_trial_s_overrides_spell_choices_as_hydra_reads_them():
    space = search_space({"name": "choice(a, 'b c')", "n": "range(1, 3)"}, ["fixed=1"])
    overrides = space.overrides({"name": "b c", "n": 2})
    assert overrides == ["fixed=1", "name=b\\ c", "n=2"]


def test_the_grid_lists_choices_and_integer_ranges_and_refuses_intervals():
    space = search_space({"a": "choice(x, y)", "b": "range(0, 6, 2)"}, [])
    assert space.grid() == {"a": ["x", "y"], "b": [0, 2, 4]}
    with pytest.raises(LauncherError, match=r"params.c: the grid sampler needs choice"):
        search_space({"c": "interval(0, 1.5)"}, []).grid()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"a": "3"}, "hydra.sweeper.params has nothing to search"),
        ({"a": "range(5, 1)"}, r"hydra.sweeper.params.a: range\(5, 1\) is empty"),
        ({"a": "choice([1, 2], [3])"}, "choice values must be numbers, strings or flags"),
    ],
)
def test_a_space_that_cannot_be_searched_is_refused_naming_the_key(params, message):
    with pytest.raises(LauncherError, match=message):
        search_space(params, [])
