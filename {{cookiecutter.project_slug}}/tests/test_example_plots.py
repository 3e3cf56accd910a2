"""The example's pictures (plots.py), without Flyte or Hydra: what each chart shows."""

import re

import pytest

from {{ cookiecutter.package_name }}.data import make_dataset
from {{ cookiecutter.package_name }}.model import fit, predict
from {{ cookiecutter.package_name }}.plots import fit_report, html_page

DATA = make_dataset([0.5, -1.0, 0.0, 2.0], n_samples=40, noise=0.1, test_fraction=0.25, seed=1)
COEFFICIENTS = fit(DATA.x_train, DATA.y_train, degree=3, l2=0.0)


def charts(fragment: str) -> dict[str, str]:
    """Each SVG chart of ``fragment`` by its title."""
    svgs = re.findall(r"<svg.*?</svg>", fragment, re.DOTALL)
    return {re.search(r'class="title plot_title">([^<]+)<', svg)[1]: svg for svg in svgs}


def points(svg: str, series: int) -> list[float]:
    """The x, y, x, y... values pygal drew as dots for the ``series``-th series of a chart."""
    plotted = re.search(rf'<g class="series serie-{series} [^"]*">(.*?)</g></g>', svg, re.DOTALL)
    values = re.findall(r'<desc class="value">([^<]+)</desc>', plotted[0])
    return [float(number) for value in values for number in value.split(": ")]


def flat(pairs) -> list[float]:
    """``[(x, y), ...]`` sorted by x, as ``[x, y, ...]``."""
    return [number for pair in sorted(pairs) for number in pair]


def test_the_data_chart_shows_every_sample_and_the_residuals_chart_their_residuals():
    drawn = charts(fit_report(DATA, COEFFICIENTS, heading="cubic"))
    assert sorted(drawn) == ["Data and fit", "Residuals"]
    train = flat(zip(DATA.x_train, DATA.y_train, strict=True))
    assert points(drawn["Data and fit"], 0) == pytest.approx(train, rel=1e-6)
    test = flat(zip(DATA.x_test, DATA.y_test, strict=True))
    assert points(drawn["Data and fit"], 1) == pytest.approx(test, rel=1e-6)
    fitted = predict(COEFFICIENTS, DATA.x_test)
    residuals = flat((x, y - f) for x, y, f in zip(DATA.x_test, DATA.y_test, fitted, strict=True))
    assert points(drawn["Residuals"], 1) == pytest.approx(residuals, rel=1e-6, abs=1e-9)


def test_a_query_is_drawn_at_its_predictions():
    drawn = charts(fit_report(DATA, COEFFICIENTS, heading="query", query=[0.25, 2.0]))
    expected = flat(zip([0.25, 2.0], predict(COEFFICIENTS, [0.25, 2.0]), strict=True))
    assert points(drawn["Data and fit"], 3) == pytest.approx(expected, rel=1e-6)


def test_the_report_is_a_page_with_its_heading_escaped_and_no_script_to_fetch():
    page = html_page(fit_report(DATA, COEFFICIENTS, heading="r2 < 1 & more"), title="fit")
    assert page.startswith("<!DOCTYPE html>\n")
    assert "<h2>r2 &lt; 1 &amp; more</h2>" in page
    assert not re.search(r"<script[^>]*href", page)  # pygal's tooltips come from the internet
