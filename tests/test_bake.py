"""A default bake: the exact file set, no template markup left, every file parses; the answers
reach every place they name, and cookiecutter's command line bakes what its API bakes."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import yaml
from pytest_cookies.plugin import Cookies

from support.baked_files import expected_files, files_of, leftover_markup, parse_every_file
from support.baking import bake_with_cli, baked

TRICKY_ANSWERS = {"project_name": 'Émile\'s {{ 7*7 }} "Forecast"', "ci_provider": "gitlab"}


@pytest.fixture(scope="module")
def project(cookies_session: Cookies) -> Path:
    return baked(cookies_session.bake())


def test_default_bake_has_exactly_the_expected_files(project):
    assert project.name == "demand-forecast"
    assert files_of(project) == expected_files()


def test_no_template_markup_is_left(project):
    for name in files_of(project):
        assert not leftover_markup((project / name).read_text(encoding="utf-8")), name


def test_every_file_parses(project):
    parse_every_file(project)


def test_answers_shape_the_project(project):
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    assert pyproject["name"] == "demand-forecast"
    assert pyproject["requires-python"] == ">=3.11,<3.13"
    assert (project / ".python-version").read_text() == "3.11\n"
    launcher = yaml.safe_load((project / "conf/hydra/launcher/flyte.yaml").read_text())
    assert launcher["connection"]["endpoint"] == "localhost:30080"
    assert launcher["project"] == "demand-forecast"
    assert launcher["domain"] == "development"
    assert launcher["images"]["default"]["repository"] == "localhost:30000/demand-forecast"
    answers = json.loads((project / ".cookiecutter.json").read_text())
    assert answers["package_name"] == "demand_forecast"


def test_answers_reach_every_place_they_name(cookies):
    answers = {
        "project_name": "Churn Model",
        "python_version": "3.12",
        "flyte_endpoint": "flyte.example.com:443",
        "image_registry": "ghcr.io/acme",
        "flyte_domain": "staging",
    }
    project = baked(cookies.bake(extra_context=answers))
    assert project.name == "churn-model"
    assert (project / "src/churn_model/workflows/multi_task.py").is_file()
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["requires-python"] == ">=3.12,<3.13"
    assert (project / ".python-version").read_text() == "3.12\n"
    assert pyproject["tool"]["ruff"]["target-version"] == "py312"
    launcher = yaml.safe_load((project / "conf/hydra/launcher/flyte.yaml").read_text())
    assert launcher["_target_"].startswith("hydra_plugins.churn_model_launcher.")
    assert launcher["connection"]["endpoint"] == "flyte.example.com:443"
    assert launcher["domain"] == "staging"
    assert launcher["images"]["default"]["repository"] == "ghcr.io/acme/churn-model"


def test_the_command_line_bakes_what_the_api_bakes(cookies, tmp_path):
    """The tests bake in-process (support/baking.py); a user runs `cookiecutter --no-input
    key=value`. With answers that Jinja and quoting could change, both give the same bytes."""
    in_process = baked(cookies.bake(extra_context=TRICKY_ANSWERS))
    command_line = bake_with_cli(tmp_path, **TRICKY_ANSWERS)
    assert in_process.name == command_line.name
    names = files_of(in_process)
    assert names == files_of(command_line)
    for name in sorted(names):
        assert (in_process / name).read_bytes() == (command_line / name).read_bytes(), name
